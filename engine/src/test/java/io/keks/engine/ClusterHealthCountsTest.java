package io.keks.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/** How ClusterHealth counts partitions from what describeTopics returns, as Kafka's own gauges would. */
class ClusterHealthCountsTest {
    static final Node B0 = new Node(0, "h", 1);
    static final Node B1 = new Node(1, "h", 2);
    static final Node B2 = new Node(2, "h", 3);

    static TopicPartitionInfo partition(int p, Node leader, List<Node> replicas, List<Node> isr) {
        return new TopicPartitionInfo(p, leader, replicas, isr);
    }

    @Test
    void underReplicatedOfflineAndUnderMinIsrAreCountedPerPartitionAndReplicasAndLeadersPerBroker() {
        List<Node> all = List.of(B0, B1, B2);
        TopicDescription orders = new TopicDescription("orders", false, List.of(
                partition(0, B0, all, all),                      // healthy
                partition(1, B1, all, List.of(B1, B2)),          // under-replicated, ISR 2 = min: not under min
                partition(2, B2, all, List.of(B2)),              // under-replicated and under min ISR 2
                partition(3, null, all, List.of()),              // offline: no leader, nothing in sync
                partition(4, Node.noNode(), all, List.of())));   // offline as some brokers report it
        TopicDescription strict = new TopicDescription("strict", false, List.of(
                partition(0, B0, List.of(B0, B1), List.of(B0, B1))));  // fully in sync, yet below its min ISR of 3
        ClusterHealth.Counts c = ClusterHealth.Counts.of(List.of(orders, strict), Map.of("orders", 2, "strict", 3));

        assertThat(c.partitions()).isEqualTo(6);
        assertThat(c.underReplicated()).isEqualTo(4);
        assertThat(c.offline()).isEqualTo(2);
        assertThat(c.underMinIsr()).isEqualTo(4);
        assertThat(c.replicas()).isEqualTo(Map.of(0, 6, 1, 6, 2, 5));
        assertThat(c.leaders()).isEqualTo(Map.of(0, 2, 1, 1, 2, 1));
    }

    @Test
    void aTopicWhoseMinIsrIsNotKnownCountsWithOne() {
        TopicDescription t = new TopicDescription("t", false, List.of(partition(0, B0, List.of(B0, B1), List.of(B0))));
        ClusterHealth.Counts c = ClusterHealth.Counts.of(List.of(t), Map.of());
        assertThat(c.underReplicated()).isEqualTo(1);
        assertThat(c.underMinIsr()).isZero();
    }
}
