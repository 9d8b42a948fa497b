package io.keks.engine.rebalance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;

/** A {@link Proposal} made from a placement worked out: what changed against where replicas were, and the loads. */
final class Proposals {
    private Proposals() {
    }

    static List<Proposal.BrokerLoad> brokerLoads(Placement at) {
        List<Proposal.BrokerLoad> loads = new ArrayList<>();
        for (int b = 0; b < at.brokerCount; b++) {
            ClusterLoad.Broker broker = at.load.brokers().get(b);
            double percent = at.diskCapacity[b] > 0 ? Math.round(1000.0 * at.bytes[b] / at.diskCapacity[b]) / 10.0 : 0;
            loads.add(new Proposal.BrokerLoad(broker.id(), broker.rack(), at.count[b], at.leaders[b], at.bytes[b], percent,
                    at.networkIn[b], at.networkOut[b], at.leaderBytesIn[b]));
        }
        return loads;
    }

    static Proposal of(Placement at, int[][] before, List<Goal> goals, List<GoalCheck.Result> was, List<GoalCheck.Result> is,
                              List<Proposal.BrokerLoad> loadBefore) {
        Map<TopicPartition, List<Integer>> moves = new LinkedHashMap<>();
        int replicaMoves = 0;
        int leaderMoves = 0;
        long data = 0;
        for (int p = 0; p < at.partitionCount; p++) {
            if (Arrays.equals(before[p], at.replicas[p])) {
                continue;
            }
            int moved = 0;
            for (int r : at.replicas[p]) {
                if (Arrays.stream(before[p]).noneMatch(x -> x == r)) {
                    moved++;
                }
            }
            replicaMoves += moved;
            data += moved * at.size[p];
            if (moved == 0) {
                leaderMoves++;
            }
            ClusterLoad.Partition partition = at.load.partitions().get(p);
            moves.put(new TopicPartition(partition.topic(), partition.partition()),
                    Arrays.stream(at.replicas[p]).map(at::brokerId).boxed().toList());
        }
        List<Proposal.GoalResult> results = new ArrayList<>();
        for (int i = 0; i < goals.size(); i++) {
            results.add(new Proposal.GoalResult(goals.get(i).ccName(), goals.get(i).hard(), was.get(i).met(), is.get(i).met(),
                    is.get(i).detail()));
        }
        List<String> notEvaluated = goals.stream().filter(g -> !g.evaluated()).map(Goal::ccName).toList();
        List<String> excluded = new ArrayList<>(new TreeSet<>(IntStream.range(0, at.partitionCount).filter(p -> at.fixed[p])
                .mapToObj(p -> at.load.partitions().get(p).topic()).toList()));
        return new Proposal(moves, replicaMoves, leaderMoves, data, GoalCheck.balancedness(was), GoalCheck.balancedness(is),
                loadBefore, brokerLoads(at), results, notEvaluated, excluded);
    }
}
