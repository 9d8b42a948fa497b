package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class DrainPlanTest {
    static final Map<Integer, String> RACK = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static Node node(int id) {
        return new Node(id, "h", 9092, RACK.get(id));
    }

    static TopicDescription topic(String name, int[]... partitions) {
        List<TopicPartitionInfo> ps = new ArrayList<>();
        for (int i = 0; i < partitions.length; i++) {
            List<Node> r = java.util.Arrays.stream(partitions[i]).mapToObj(DrainPlanTest::node).toList();
            ps.add(new TopicPartitionInfo(i, r.get(0), r, r));
        }
        return new TopicDescription(name, false, ps);
    }

    @Test
    void whatStillSitsOnLeavingBrokersAndTheReplicasMovesStartFrom() {
        var topics = Map.of("t", topic("t", new int[] {3, 1, 2}, new int[] {1, 2, 0}), "u", topic("u", new int[] {0, 1}));
        assertThat(DrainPlan.stillOn(Set.of(3), topics.values())).containsExactly("t-0");
        assertThat(DrainPlan.stillOn(Set.of(0), topics.values())).containsExactlyInAnyOrder("t-1", "u-0");
        assertThat(DrainPlan.stillOn(Set.of(9), topics.values())).isEmpty();

        var current = DrainPlan.currentReplicas(topics, Set.of(new TopicPartition("t", 0), new TopicPartition("gone", 0)));
        // a partition whose topic went meanwhile has no current replicas to throttle
        assertThat(current).containsExactly(Map.entry(new TopicPartition("t", 0), List.of(3, 1, 2)));
    }
}
