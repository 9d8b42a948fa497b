package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
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
    void aLeavingReplicaGoesToABrokerOfItsOwnRackAndKeepsItsPlace() {
        var topics = Map.of("t", topic("t", new int[] {3, 1, 2}, new int[] {1, 2, 0}));
        var moves = DrainPlan.plan(topics, Set.of(3), Map.of(0, "a", 1, "b", 2, "c"));
        // only the partition with a replica on 3 moves; broker 0 shares rack a with 3
        assertThat(moves).containsExactly(Map.entry(new TopicPartition("t", 0), List.of(0, 1, 2)));
    }

    @Test
    void withoutABrokerInItsRackTheReplicaGoesToARackThePartitionDoesNotUse() {
        Map<Integer, String> remaining = Map.of(1, "b", 2, "c", 4, "d", 5, "b");
        var moves = DrainPlan.plan(Map.of("t", topic("t", new int[] {3, 1})), Set.of(3), remaining);
        // 2 (c) and 4 (d) are both new racks; 5 (b) would put two replicas in rack b
        assertThat(moves.get(new TopicPartition("t", 0)).get(0)).isIn(2, 4);
        assertThat(moves.get(new TopicPartition("t", 0))).containsExactly(moves.get(new TopicPartition("t", 0)).get(0), 1);
    }

    @Test
    void replicasSpreadOverTheLeastLoadedBrokers() {
        int[][] parts = new int[6][];
        for (int i = 0; i < 6; i++) {
            parts[i] = new int[] {3};
        }
        Map<Integer, String> remaining = new HashMap<>();
        remaining.put(0, null);
        remaining.put(1, null);
        remaining.put(2, null);
        var moves = DrainPlan.plan(Map.of("t", topic("t", parts)), Set.of(3), remaining);
        Map<Integer, Integer> count = new HashMap<>();
        moves.values().forEach(r -> count.merge(r.get(0), 1, Integer::sum));
        assertThat(count).containsOnly(Map.entry(0, 2), Map.entry(1, 2), Map.entry(2, 2));
    }

    @Test
    void moreReplicasThanBrokersLeftCannotBePlanned() {
        var topics = Map.of("t", topic("t", new int[] {0, 1, 2, 3}));
        assertThatThrownBy(() -> DrainPlan.plan(topics, Set.of(3), Map.of(0, "a", 1, "b", 2, "c")))
                .hasMessageContaining("t-0 has 4 replicas and no broker is left to take the one on broker 3");
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
