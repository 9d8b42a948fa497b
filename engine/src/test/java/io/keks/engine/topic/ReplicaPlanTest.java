package io.keks.engine.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class ReplicaPlanTest {
    static final Map<Integer, String> RACK = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static TopicDescription topic(String name, int leader, int[]... partitions) {
        List<TopicPartitionInfo> ps = new ArrayList<>();
        for (int i = 0; i < partitions.length; i++) {
            List<Node> r = java.util.Arrays.stream(partitions[i]).mapToObj(id -> new Node(id, "h", 9092, RACK.get(id))).toList();
            Node lead = r.stream().filter(n -> n.id() == leader).findFirst().orElse(r.get(0));
            ps.add(new TopicPartitionInfo(i, lead, r, r));
        }
        return new TopicDescription(name, false, ps);
    }

    @Test
    void growingAddsReplicasInRacksThePartitionDoesNotUseAndKeepsThePreferredLeaderFirst() {
        var plan = ReplicaPlan.resize(Map.of("t", topic("t", 0, new int[] {0}, new int[] {3})), Map.of("t", 3), RACK);
        // rack a is taken by the first replica, so the two new ones go to racks b and c, never to the other rack-a broker
        assertThat(plan.get(new TopicPartition("t", 0))).containsExactly(0, 1, 2);
        assertThat(plan.get(new TopicPartition("t", 1))).containsExactly(3, 1, 2);
    }

    @Test
    void shrinkingKeepsTheLeaderAndDropsAReplicaThatSharesARackFirst() {
        var plan = ReplicaPlan.resize(Map.of("t", topic("t", 3, new int[] {0, 1, 3, 2})), Map.of("t", 2), RACK);
        // 0 and 3 share rack a; 3 leads, so 0 goes first; then the other with the most replicas, or the last
        List<Integer> left = plan.get(new TopicPartition("t", 0));
        assertThat(left).hasSize(2).contains(3).doesNotContain(0);
    }

    @Test
    void partitionsAlreadyAtTheTargetAreNotMoved() {
        var plan = ReplicaPlan.resize(Map.of("t", topic("t", 0, new int[] {0, 1, 2})), Map.of("t", 3), RACK);
        assertThat(plan).isEmpty();
    }

    @Test
    void moreReplicasThanBrokersIsRefused() {
        assertThatThrownBy(() -> ReplicaPlan.resize(Map.of("t", topic("t", 0, new int[] {0})), Map.of("t", 5), RACK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("topic t wants 5 replicas but the cluster has 4 broker(s)");
    }
}
