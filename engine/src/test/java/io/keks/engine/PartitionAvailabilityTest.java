package io.keks.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class PartitionAvailabilityTest {
    static final Node B0 = new Node(0, "localhost", 9092);
    static final Node B1 = new Node(1, "localhost", 9093);
    static final Node B2 = new Node(2, "localhost", 9094);

    static TopicPartitionInfo partition(int p, Node leader, List<Node> replicas, List<Node> isr) {
        return new TopicPartitionInfo(p, leader, replicas, isr);
    }

    @Test
    void aHealthyClusterHasNothingToSay() {
        var t = new TopicDescription("orders", false, List.of(partition(0, B0, List.of(B0, B1, B2), List.of(B0, B1, B2))));
        PartitionAvailability a = PartitionAvailability.of(List.of(t), Map.of(), Set.of(0, 1, 2));
        assertThat(a.allAvailable()).isTrue();
        assertThat(a.warnings()).isEmpty();
    }

    @Test
    void partitionsWithoutLeaderAndUnderMinIsrAreNamedWithTheBrokersThatAreMissing() {
        var orders = new TopicDescription("orders", false, IntStream.range(0, 7)
                .mapToObj(p -> partition(p, B0, List.of(B0, B1, B2), List.of(B0))).toList());
        var pair = new TopicDescription("pair", false, List.of(partition(0, null, List.of(B1, B2), List.of(B2))));
        PartitionAvailability a = PartitionAvailability.of(List.of(orders, pair),
                Map.of("orders", new PartitionAvailability.TopicSettings(2, false), "pair", new PartitionAvailability.TopicSettings(1, false)),
                Set.of(0));
        assertThat(a.offline()).extracting(PartitionAvailability.Partition::name).containsExactly("pair-0");
        assertThat(a.underMinIsr()).hasSize(7);
        var w = a.warnings();
        assertThat(w).extracting(PartitionAvailability.Warning::reason).containsExactly("PartitionsOffline", "PartitionsUnderMinIsr");
        assertThat(w.get(0).message()).startsWith("1 partition has no leader: pair-0. Brokers 1, 2, which hold replicas of them, are"
                + " not serving.").contains("unclean leader election is off");
        assertThat(w.get(1).message()).startsWith("7 partitions have fewer in-sync replicas than min.insync.replicas: orders-0 (1 of"
                + " min 2), orders-1 (1 of min 2)").contains("orders-4 (1 of min 2) and 2 more. Brokers 1, 2");
    }

    @Test
    void aBrokerThatServesButLagsIsToldApartFromOneThatIsDownAndUncleanElectionIsNamedWhenOn() {
        var t = new TopicDescription("logs", false, List.of(partition(0, null, List.of(B1, B2), List.of(B1)),
                partition(1, B0, List.of(B0, B2), List.of(B0))));
        PartitionAvailability a = PartitionAvailability.of(List.of(t), Map.of("logs", new PartitionAvailability.TopicSettings(2, true)),
                Set.of(0, 2));
        var w = a.warnings();
        assertThat(w.get(0).message()).contains("Broker 1, which holds replicas of them, is not serving. Broker 2 serves but has not"
                + " caught up with them.", "set unclean.leader.election.enable", "lost");
        assertThat(w.get(1).message()).contains("logs-1 (1 of min 2)", "Broker 2 serves but has not caught up");
    }
}
