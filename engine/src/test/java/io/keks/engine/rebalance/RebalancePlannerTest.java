package io.keks.engine.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.engine.rebalance.RebalanceRequest.Capacity;
import io.keks.engine.rebalance.RebalanceRequest.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RebalancePlannerTest {
    static final ClusterLoad GROWN = SyntheticLoad.skewed(12, 3, 3, 1_000, 50, 3, 7);

    /** Every broker's replicas, leaders and bytes, counted afresh from the load with the proposal's moves applied. */
    record Counted(Map<Integer, Integer> replicas, Map<Integer, Integer> leaders, Map<Integer, Long> bytes, List<ClusterLoad.Partition> partitions) {
        static Counted of(ClusterLoad load, Proposal proposal) {
            Map<Integer, Integer> replicas = new HashMap<>();
            Map<Integer, Integer> leaders = new HashMap<>();
            Map<Integer, Long> bytes = new HashMap<>();
            load.brokers().forEach(b -> {
                replicas.put(b.id(), 0);
                leaders.put(b.id(), 0);
                bytes.put(b.id(), 0L);
            });
            List<ClusterLoad.Partition> after = new ArrayList<>();
            for (ClusterLoad.Partition p : load.partitions()) {
                List<Integer> now = proposal.moves().getOrDefault(new TopicPartition(p.topic(), p.partition()), p.replicas());
                assertThat(Set.copyOf(now)).as("%s has each broker once", p.name()).hasSize(p.replicas().size());
                now.forEach(b -> {
                    replicas.merge(b, 1, Integer::sum);
                    bytes.merge(b, p.sizeBytes(), Long::sum);
                });
                leaders.merge(now.get(0), 1, Integer::sum);
                after.add(new ClusterLoad.Partition(p.topic(), p.partition(), now, p.sizeBytes(), p.bytesInPerSecond()));
            }
            return new Counted(replicas, leaders, bytes, after);
        }

        double maxOverMean(Map<Integer, ? extends Number> values, Set<Integer> brokers) {
            double sum = brokers.stream().mapToDouble(b -> values.get(b).doubleValue()).sum();
            double max = brokers.stream().mapToDouble(b -> values.get(b).doubleValue()).max().orElseThrow();
            return max / (sum / brokers.size());
        }
    }

    static Set<Integer> ids(int from, int to) {
        Set<Integer> ids = new HashSet<>();
        for (int b = from; b < to; b++) {
            ids.add(b);
        }
        return ids;
    }

    static RebalanceRequest request(Mode mode, Set<Integer> brokers) {
        return new RebalanceRequest(mode, brokers, List.of(), false, null, Capacity.defaults());
    }

    static void assertRacksKept(ClusterLoad load, List<ClusterLoad.Partition> after) {
        Map<Integer, String> rack = new HashMap<>();
        load.brokers().forEach(b -> rack.put(b.id(), b.rack()));
        for (ClusterLoad.Partition p : after) {
            assertThat(p.replicas().stream().map(rack::get).distinct().count()).as("racks of %s", p.name()).isEqualTo(p.replicas().size());
        }
    }

    @Test
    void addedBrokersTakeTheirShareOfReplicasLeadersAndBytes() throws Exception {
        Proposal proposal = RebalancePlanner.plan(GROWN, request(Mode.ADD_BROKERS, ids(12, 15)));
        Counted c = Counted.of(GROWN, proposal);
        Set<Integer> all = ids(0, 15);
        assertThat(c.maxOverMean(c.replicas(), all)).isLessThanOrEqualTo(1.02);
        assertThat(c.maxOverMean(c.leaders(), all)).isLessThanOrEqualTo(1.05);
        assertThat(c.maxOverMean(c.bytes(), all)).isLessThanOrEqualTo(1.05);
        assertRacksKept(GROWN, c.partitions());
        // replicas only move onto the added brokers
        for (int i = 0; i < GROWN.partitions().size(); i++) {
            List<Integer> before = GROWN.partitions().get(i).replicas();
            c.partitions().get(i).replicas().stream().filter(b -> !before.contains(b))
                    .forEach(b -> assertThat(b).as("a broker that gained a replica").isIn(12, 13, 14));
        }
        assertThat(proposal.replicaMovements()).isGreaterThan(0);
        assertThat(proposal.balancednessAfter()).isGreaterThan(proposal.balancednessBefore());
        assertThat(proposal.after()).filteredOn(l -> l.broker() >= 12).extracting(Proposal.BrokerLoad::replicas).containsOnly(200);
    }

    @Test
    void whenRacksAllowOnlyOneGiverTheAddedBrokerSharesItsRacksLoad() throws Exception {
        // three brokers in three racks hold every partition once each; the fourth joins rack a, so only broker 0 may give to it
        List<ClusterLoad.Broker> brokers = List.of(new ClusterLoad.Broker(0, "a", 0), new ClusterLoad.Broker(1, "b", 0),
                new ClusterLoad.Broker(2, "c", 0), new ClusterLoad.Broker(3, "a", 0));
        List<ClusterLoad.Partition> partitions = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            partitions.add(new ClusterLoad.Partition("t", p, List.of(p % 3, (p + 1) % 3, (p + 2) % 3), 1000, 0));
        }
        ClusterLoad load = new ClusterLoad(brokers, partitions);
        Counted c = Counted.of(load, RebalancePlanner.plan(load, request(Mode.ADD_BROKERS, Set.of(3))));
        assertThat(c.replicas()).containsEntry(0, 6).containsEntry(3, 6).containsEntry(1, 12).containsEntry(2, 12);
        assertRacksKept(load, c.partitions());
    }

    @Test
    void removedBrokersAreEmptiedAndNothingElseMoves() throws Exception {
        ClusterLoad load = SyntheticLoad.skewed(6, 0, 3, 300, 30, 3, 3);
        Proposal proposal = RebalancePlanner.plan(load, request(Mode.REMOVE_BROKERS, Set.of(4)));
        Counted c = Counted.of(load, proposal);
        assertThat(c.replicas().get(4)).isZero();
        assertRacksKept(load, c.partitions());
        for (int i = 0; i < load.partitions().size(); i++) {
            List<Integer> before = load.partitions().get(i).replicas();
            if (!before.contains(4)) {
                assertThat(c.partitions().get(i).replicas()).isEqualTo(before);
            }
        }
        assertThat(proposal.replicaMovements()).isEqualTo(load.partitions().stream().filter(p -> p.replicas().contains(4)).count());
    }

    static ClusterLoad load(Map<Integer, String> racks, List<List<Integer>> partitions) {
        List<ClusterLoad.Broker> brokers = racks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new ClusterLoad.Broker(e.getKey(), e.getValue(), 0)).toList();
        List<ClusterLoad.Partition> ps = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            ps.add(new ClusterLoad.Partition("t", i, partitions.get(i), 100, 0));
        }
        return new ClusterLoad(brokers, ps);
    }

    @Test
    void aDrainedReplicaGoesToABrokerOfItsOwnRackAndKeepsItsPlace() throws Exception {
        var moves = RebalancePlanner.drain(load(Map.of(0, "a", 1, "b", 2, "c", 3, "a"), List.of(List.of(3, 1, 2), List.of(1, 2, 0))), Set.of(3));
        // only the partition with a replica on 3 moves; broker 0 shares rack a with 3
        assertThat(moves).containsExactly(Map.entry(new TopicPartition("t", 0), List.of(0, 1, 2)));
    }

    @Test
    void withoutABrokerInItsRackADrainedReplicaGoesToARackThePartitionDoesNotUse() throws Exception {
        var moves = RebalancePlanner.drain(load(Map.of(1, "b", 2, "c", 3, "a", 4, "d", 5, "b"), List.of(List.of(3, 1))), Set.of(3));
        // 2 (c) and 4 (d) are both new racks; 5 (b) would put two replicas in rack b
        assertThat(moves.get(new TopicPartition("t", 0)).get(0)).isIn(2, 4);
        assertThat(moves.get(new TopicPartition("t", 0))).containsExactly(moves.get(new TopicPartition("t", 0)).get(0), 1);
    }

    @Test
    void drainedReplicasSpreadOverTheLeastLoadedBrokers() throws Exception {
        List<List<Integer>> parts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            parts.add(List.of(3));
        }
        Map<Integer, String> noRacks = new HashMap<>();
        for (int b = 0; b < 4; b++) {
            noRacks.put(b, null);
        }
        var moves = RebalancePlanner.drain(load(noRacks, parts), Set.of(3));
        Map<Integer, Integer> count = new HashMap<>();
        moves.values().forEach(r -> count.merge(r.get(0), 1, Integer::sum));
        assertThat(count).containsOnly(Map.entry(0, 2), Map.entry(1, 2), Map.entry(2, 2));
    }

    @Test
    void moreReplicasThanBrokersLeftCannotBeDrained() {
        assertThatThrownBy(() -> RebalancePlanner.drain(load(Map.of(0, "a", 1, "b", 2, "c", 3, "a"), List.of(List.of(0, 1, 2, 3))),
                Set.of(3))).isInstanceOf(RebalanceRefused.class).hasMessageContaining("leaves 3 broker(s), fewer than the 4 replicas of t-0");
    }

    @Test
    void aFullRebalanceEvensOutSkewedBytes() throws Exception {
        ClusterLoad load = SyntheticLoad.skewed(9, 0, 3, 600, 20, 3, 11);
        Counted was = Counted.of(load, new Proposal(Map.of(), 0, 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of(), List.of()));
        assertThat(was.maxOverMean(was.bytes(), ids(0, 9))).as("the made-up load starts skewed").isGreaterThan(1.05);
        Proposal proposal = RebalancePlanner.plan(load, RebalanceRequest.full());
        Counted c = Counted.of(load, proposal);
        assertThat(c.maxOverMean(c.bytes(), ids(0, 9))).isLessThanOrEqualTo(1.05);
        assertThat(c.maxOverMean(c.replicas(), ids(0, 9))).isLessThanOrEqualTo(1.02);
        assertRacksKept(load, c.partitions());
    }

    @Test
    void aPartitionWithTwoReplicasInOneRackIsSpread() throws Exception {
        List<ClusterLoad.Broker> brokers = List.of(new ClusterLoad.Broker(1, "a", 0), new ClusterLoad.Broker(2, "a", 0),
                new ClusterLoad.Broker(3, "b", 0), new ClusterLoad.Broker(4, "c", 0));
        ClusterLoad load = new ClusterLoad(brokers, List.of(new ClusterLoad.Partition("t", 0, List.of(1, 2, 3), 10, 0)));
        Proposal proposal = RebalancePlanner.plan(load, RebalanceRequest.full());
        assertThat(proposal.goals()).filteredOn(g -> g.goal().equals("RackAwareGoal")).singleElement()
                .satisfies(g -> assertThat(g.metBefore()).isFalse()).satisfies(g -> assertThat(g.metAfter()).isTrue());
        assertThat(proposal.moves().get(new TopicPartition("t", 0))).contains(4).contains(3);
    }

    /** 600 partitions over 3 brokers in 3 racks, 200 led by each, 100 B/s written to each; six led by broker 0 read heavily. */
    static ClusterLoad consumed(double heavyReads) {
        List<ClusterLoad.Broker> brokers = List.of(new ClusterLoad.Broker(0, "a", 0), new ClusterLoad.Broker(1, "b", 0),
                new ClusterLoad.Broker(2, "c", 0));
        List<ClusterLoad.Partition> ps = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int leader = i % 3;
            List<Integer> replicas = List.of(leader, (leader + 1) % 3, (leader + 2) % 3);
            ps.add(new ClusterLoad.Partition("t", i, replicas, 1000, 100, leader == 0 && i < 18 ? heavyReads : 0));
        }
        return new ClusterLoad(brokers, ps);
    }

    @Test
    void whatConsumersReadCountsAsTheLeadersOutboundLoadAndIsEvenedOut() throws Exception {
        RebalanceRequest full = new RebalanceRequest(Mode.FULL, Set.of(), List.of(), false, null, Capacity.defaults());
        Proposal proposal = RebalancePlanner.plan(consumed(10_000), full);
        assertThat(proposal.before()).extracting(Proposal.BrokerLoad::networkOutBytesPerSecond)
                .as("replication (200 leaders x 100 B/s x 2 followers) and, on broker 0, six partitions read at 10 kB/s")
                .containsExactly(100_000.0, 40_000.0, 40_000.0);
        double mean = 60_000;
        assertThat(proposal.after()).extracting(Proposal.BrokerLoad::networkOutBytesPerSecond).allMatch(out -> out <= mean * 1.05);
        assertThat(proposal.replicaMovements()).isZero();
        assertThat(proposal.leaderMovements()).isPositive();
        assertThat(proposal.after()).extracting(Proposal.BrokerLoad::leaders).allMatch(l -> l >= 194 && l <= 206);

        Proposal unread = RebalancePlanner.plan(consumed(0), full);
        assertThat(unread.leaderMovements()).as("without the reads the leaders are even already").isZero();
    }

    @Test
    void excludedTopicsStayWhereTheyAre() throws Exception {
        RebalanceRequest r = new RebalanceRequest(Mode.ADD_BROKERS, ids(12, 15), List.of(), false, Pattern.compile("topic-1.*"),
                Capacity.defaults());
        Proposal proposal = RebalancePlanner.plan(GROWN, r);
        assertThat(proposal.moves().keySet()).isNotEmpty().noneMatch(tp -> tp.topic().startsWith("topic-1"));
        assertThat(proposal.excludedTopics()).contains("topic-1", "topic-10");
    }

    @Test
    void goalsKeksCannotWeighAreNamedAndHardGoalsAreInsistedOn() throws Exception {
        List<String> seedGoals = List.of("RackAwareGoal", "ReplicaCapacityGoal", "DiskCapacityGoal", "NetworkInboundCapacityGoal",
                "NetworkOutboundCapacityGoal", "CpuCapacityGoal", "ReplicaDistributionGoal", "DiskUsageDistributionGoal",
                "NetworkInboundUsageDistributionGoal", "NetworkOutboundUsageDistributionGoal", "TopicReplicaDistributionGoal",
                "LeaderReplicaDistributionGoal", "LeaderBytesInDistributionGoal");
        Proposal proposal = RebalancePlanner.plan(GROWN, new RebalanceRequest(Mode.ADD_BROKERS, ids(12, 15), seedGoals, false, null,
                Capacity.defaults()));
        assertThat(proposal.notEvaluated()).containsExactly("CpuCapacityGoal");
        assertThat(proposal.goals()).hasSize(13);

        assertThatThrownBy(() -> RebalancePlanner.plan(GROWN, new RebalanceRequest(Mode.FULL, Set.of(), List.of("ReplicaDistributionGoal"),
                false, null, Capacity.defaults()))).isInstanceOf(RebalanceRefused.class)
                .hasMessageContaining("RackAwareGoal").hasMessageContaining("skipHardGoalCheck");
        assertThat(RebalancePlanner.plan(GROWN, new RebalanceRequest(Mode.FULL, Set.of(), List.of("ReplicaDistributionGoal"),
                true, null, Capacity.defaults())).goals()).hasSize(1);
        assertThatThrownBy(() -> RebalancePlanner.plan(GROWN, new RebalanceRequest(Mode.FULL, Set.of(), List.of("FastGoal"),
                true, null, Capacity.defaults()))).hasMessageContaining("unknown goal \"FastGoal\"");
    }

    @Test
    void brokersThatDoNotExistOrTooFewLeftAreRefused() {
        assertThatThrownBy(() -> RebalancePlanner.plan(GROWN, request(Mode.ADD_BROKERS, Set.of(99))))
                .isInstanceOf(RebalanceRefused.class).hasMessageContaining("[99]");
        ClusterLoad three = SyntheticLoad.skewed(3, 0, 3, 30, 10, 3, 1);
        assertThatThrownBy(() -> RebalancePlanner.plan(three, request(Mode.REMOVE_BROKERS, Set.of(2))))
                .hasMessageContaining("leaves 2 broker(s), fewer than the 3 replicas");
        assertThatThrownBy(() -> RebalancePlanner.plan(three, request(Mode.ADD_BROKERS, Set.of())))
                .hasMessageContaining("needs spec.brokers");
    }

    @Test
    void aDiskCapacityIsNeverExceeded() throws Exception {
        ClusterLoad load = SyntheticLoad.skewed(12, 3, 3, 1_000, 50, 3, 7);
        long total = load.partitions().stream().mapToLong(p -> p.sizeBytes() * 3).sum();
        long small = total / 15 / 2;
        List<ClusterLoad.Broker> brokers = load.brokers().stream()
                .map(b -> new ClusterLoad.Broker(b.id(), b.rack(), b.id() == 14 ? small : 0)).toList();
        Proposal proposal = RebalancePlanner.plan(new ClusterLoad(brokers, load.partitions()), request(Mode.ADD_BROKERS, ids(12, 15)));
        Counted c = Counted.of(load, proposal);
        assertThat(c.bytes().get(14)).isLessThanOrEqualTo((long) (small * 0.8)).isGreaterThan(0L);
    }
}
