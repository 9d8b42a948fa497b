import io.keks.engine.rebalance.ClusterLoad;
import io.keks.engine.rebalance.Proposal;
import io.keks.engine.rebalance.RebalancePlanner;
import io.keks.engine.rebalance.RebalanceRequest;
import io.keks.engine.rebalance.SyntheticLoad;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * bench/rebalance, the planner: one made-up cluster (OLD brokers holding PARTITIONS x RF replicas in RACKS
 * racks, sizes skewed between topics, ADDED empty brokers), planned once by WHO and measured:
 *   keks  - RebalancePlanner, mode add-brokers with the added brokers, default goals
 *   kafka - what kafka-reassign-partitions --generate proposes for the same topics over all the brokers (its
 *           own assignment code, ReassignPartitionsCommand.calculateAssignment, called directly: --generate
 *           itself only reads the current assignment from a running cluster first)
 * Prints one line of key=value: the time to plan, the balance after (max/mean of replicas, leaders and bytes
 * per broker), partitions whose replicas share a rack, the data moved and two lower bounds for it.
 *   java -cp ... bench/rebalance/Planner.java WHO OLD ADDED RACKS PARTITIONS PER_TOPIC RF SEED
 */
public class Planner {
    public static void main(String[] args) throws Exception {
        String who = args[0];
        int old = Integer.parseInt(args[1]);
        int added = Integer.parseInt(args[2]);
        int racks = Integer.parseInt(args[3]);
        int partitions = Integer.parseInt(args[4]);
        int perTopic = Integer.parseInt(args[5]);
        int rf = Integer.parseInt(args[6]);
        long seed = Long.parseLong(args[7]);
        ClusterLoad load = SyntheticLoad.skewed(old, added, racks, partitions, perTopic, rf, seed);
        Set<Integer> newBrokers = new HashSet<>();
        for (int b = old; b < old + added; b++) {
            newBrokers.add(b);
        }
        System.gc();
        long start = System.nanoTime();
        Map<TopicPartition, List<Integer>> after;
        if (who.equals("keks")) {
            RebalanceRequest request = new RebalanceRequest(RebalanceRequest.Mode.ADD_BROKERS, newBrokers, List.of(), false, null,
                    RebalanceRequest.Capacity.defaults());
            Proposal proposal = RebalancePlanner.plan(load, request);
            after = proposal.moves();
        } else {
            after = kafkaGenerate(load);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Runtime rt = Runtime.getRuntime();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        report(who, load, after, seconds, heapMb);
    }

    @SuppressWarnings("unchecked")
    static Map<TopicPartition, List<Integer>> kafkaGenerate(ClusterLoad load) throws Exception {
        Class<?> usable = Class.forName("org.apache.kafka.metadata.placement.UsableBroker");
        List<Object> brokers = new ArrayList<>();
        for (ClusterLoad.Broker b : load.brokers()) {
            brokers.add(usable.getConstructor(int.class, Optional.class, boolean.class).newInstance(b.id(), Optional.ofNullable(b.rack()), false));
        }
        Map<TopicPartition, List<Integer>> current = new HashMap<>();
        load.partitions().forEach(p -> current.put(new TopicPartition(p.topic(), p.partition()), p.replicas()));
        Method m = Class.forName("org.apache.kafka.tools.reassign.ReassignPartitionsCommand")
                .getDeclaredMethod("calculateAssignment", Map.class, List.class);
        m.setAccessible(true);
        return (Map<TopicPartition, List<Integer>>) m.invoke(null, current, brokers);
    }

    static void report(String who, ClusterLoad load, Map<TopicPartition, List<Integer>> after, double seconds, long heapMb) {
        Map<Integer, String> rack = new HashMap<>();
        Map<Integer, long[]> before = new HashMap<>();
        Map<Integer, long[]> now = new HashMap<>();
        for (ClusterLoad.Broker b : load.brokers()) {
            rack.put(b.id(), b.rack());
            before.put(b.id(), new long[3]);
            now.put(b.id(), new long[3]);
        }
        long moved = 0;
        int rackBroken = 0;
        for (ClusterLoad.Partition p : load.partitions()) {
            List<Integer> was = p.replicas();
            List<Integer> is = after.getOrDefault(new TopicPartition(p.topic(), p.partition()), was);
            count(before, was, p.sizeBytes());
            count(now, is, p.sizeBytes());
            moved += is.stream().filter(b -> !was.contains(b)).count() * p.sizeBytes();
            rackBroken += is.stream().map(rack::get).distinct().count() < is.size() ? 1 : 0;
        }
        int n = load.brokers().size();
        double meanBytes = now.values().stream().mapToLong(v -> v[2]).sum() / (double) n;
        long flowBound = 0;
        long meanBound = 0;
        long bandBound = 0;
        for (int b : now.keySet()) {
            flowBound += Math.max(0, before.get(b)[2] - now.get(b)[2]);
            meanBound += (long) Math.max(0, before.get(b)[2] - meanBytes);
            bandBound += (long) Math.max(0, before.get(b)[2] - 1.05 * meanBytes);
        }
        System.out.printf("who=%s plan_s=%.3f heap_mb=%d replicas_max_mean=%.4f leaders_max_mean=%.4f bytes_max_mean=%.4f"
                        + " rack_broken=%d moved_gb=%.2f moved_over_netflow=%.3f moved_over_mean_bound=%.3f moved_over_band_bound=%.3f%n",
                who, seconds, heapMb, maxMean(now, 0), maxMean(now, 1), maxMean(now, 2), rackBroken, moved / 1e9,
                moved / (double) Math.max(1, flowBound), moved / (double) Math.max(1, meanBound), moved / (double) Math.max(1, bandBound));
    }

    static void count(Map<Integer, long[]> loads, List<Integer> replicas, long size) {
        loads.get(replicas.get(0))[1]++;
        for (int b : replicas) {
            loads.get(b)[0]++;
            loads.get(b)[2] += size;
        }
    }

    static double maxMean(Map<Integer, long[]> loads, int i) {
        double sum = loads.values().stream().mapToLong(v -> v[i]).sum();
        double max = loads.values().stream().mapToLong(v -> v[i]).max().orElse(0);
        return max / (sum / loads.size());
    }
}
