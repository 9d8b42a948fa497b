package io.keks.engine.rebalance;

import io.keks.engine.rebalance.RebalanceRequest.Mode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;

/**
 * Works out a rebalance: which replicas move where, and which replica leads each partition. Pure, and fast
 * enough for a million replicas. In order:
 * <ol>
 *   <li><b>empty leaving brokers</b> ({@link Mode#REMOVE_BROKERS}): every replica on them goes to the broker that
 *       can take it and carries the least, of the leaving broker's rack where one can;</li>
 *   <li><b>racks</b>: a partition with two replicas in one rack while a rack it does not use has brokers gets
 *       one of them moved there;</li>
 *   <li><b>replica counts</b>: from brokers over the mean to brokers under it, each time the replica whose size
 *       brings both brokers' bytes closest to the mean, so counts and bytes even out together;</li>
 *   <li><b>bytes</b>: single moves and, in a full rebalance, swaps of a large replica for a small one, until
 *       every broker's bytes are within 2 % of the mean or nothing improves;</li>
 *   <li><b>leaders</b>: the preferred leader of partitions whose leader has more than its share goes to one of
 *       its other replicas with fewer (no data moves).</li>
 * </ol>
 * Every move keeps a partition's racks (to its rack or to one it does not use), stays within the capacity
 * goals, never touches excluded topics, and in {@link Mode#ADD_BROKERS} only goes onto the added brokers.
 */
public final class RebalancePlanner {
    private static final double BYTES_TOLERANCE = 0.02;
    /** How many of a broker's smallest replicas a swap tries. */
    private static final int LOOK = 48;

    private final Placement at;
    private final RebalanceRequest request;
    private final boolean[] active;
    private final boolean[] takes;
    private final boolean[] gives;
    private final Set<Goal> goals;
    private final double meanCount;
    private final double meanBytes;
    /** Broker pairs no replica could move between in this step: not tried again in it. */
    private boolean[][] blocked;

    private RebalancePlanner(Placement at, RebalanceRequest request, List<Goal> goals) {
        this.at = at;
        this.request = request;
        this.goals = Set.copyOf(goals);
        int n = at.brokerCount;
        active = new boolean[n];
        takes = new boolean[n];
        gives = new boolean[n];
        int activeCount = 0;
        long replicas = 0;
        long totalBytes = 0;
        for (int b = 0; b < n; b++) {
            boolean named = request.brokers().contains(at.brokerId(b));
            active[b] = request.mode() != Mode.REMOVE_BROKERS || !named;
            takes[b] = request.mode() == Mode.ADD_BROKERS ? named : active[b];
            gives[b] = request.mode() != Mode.REMOVE_BROKERS || named;
            activeCount += active[b] ? 1 : 0;
            replicas += at.count[b];
            totalBytes += at.bytes[b];
        }
        meanCount = (double) replicas / Math.max(1, activeCount);
        meanBytes = (double) totalBytes / Math.max(1, activeCount);
    }

    /**
     * @throws RebalanceRefused when the request names an unknown goal or broker, leaves out a hard goal without
     *                          {@code skipHardGoalCheck}, or a hard goal cannot be met
     */
    public static Proposal plan(ClusterLoad load, RebalanceRequest request) throws RebalanceRefused {
        List<Goal> goals = RequestCheck.goals(request);
        RequestCheck.brokers(load, request);
        Placement at = new Placement(load, request.excludedTopics());
        int[][] before = at.snapshot();
        RebalancePlanner planner = new RebalancePlanner(at, request, goals);
        GoalCheck check = new GoalCheck(at, planner.active, request.capacity());
        List<GoalCheck.Result> was = check.check(goals);
        List<Proposal.BrokerLoad> loadBefore = Proposals.brokerLoads(at);
        planner.run();
        List<GoalCheck.Result> is = check.check(goals);
        for (GoalCheck.Result r : is) {
            if (r.goal().hard() && !r.met()) {
                throw new RebalanceRefused("hard goal " + r.goal().ccName() + " cannot be met: " + r.detail());
            }
        }
        return Proposals.of(at, before, goals, was, is, loadBefore);
    }

    private void run() throws RebalanceRefused {
        if (request.mode() == Mode.REMOVE_BROKERS) {
            emptyLeaving();
            return;
        }
        if (goals.contains(Goal.RACK_AWARE) || goals.contains(Goal.RACK_AWARE_DISTRIBUTION)) {
            spreadRacks();
        }
        boolean bySize = goals.contains(Goal.DISK_USAGE_DISTRIBUTION);
        if (goals.contains(Goal.REPLICA_DISTRIBUTION) || bySize) {
            evenCounts(bySize);
        }
        if (bySize) {
            evenBytes();
        }
        if (goals.contains(Goal.LEADER_REPLICA_DISTRIBUTION) || goals.contains(Goal.LEADER_BYTES_IN_DISTRIBUTION)) {
            evenLeaders();
        }
    }

    /**
     * Every replica on a leaving broker goes, in the same place of its replica list, to a remaining broker that
     * does not hold the partition: of the leaving broker's rack if one can take it, else of a rack the partition
     * does not use, else (unless RackAwareGoal is asked for) any; among those the one with the fewest replicas,
     * then bytes. Excluded topics move too: a broker cannot leave with replicas on it.
     */
    private void emptyLeaving() throws RebalanceRefused {
        for (int from = 0; from < at.brokerCount; from++) {
            if (active[from]) {
                continue;
            }
            for (int p : List.copyOf(at.held[from])) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int to = 0; to < at.brokerCount; to++) {
                    if (!active[to] || at.holds(p, to) || !withinCapacity(p, to)) {
                        continue;
                    }
                    int rank = at.rack[to] == at.rack[from] ? 0 : at.keepsRacks(p, from, to) ? 1 : 2;
                    if (rank == 2 && goals.contains(Goal.RACK_AWARE)) {
                        continue;
                    }
                    if (best < 0 || rank < bestRank || rank == bestRank && (at.count[to] < at.count[best]
                            || at.count[to] == at.count[best] && at.bytes[to] < at.bytes[best])) {
                        best = to;
                        bestRank = rank;
                    }
                }
                if (best < 0) {
                    throw new RebalanceRefused("no remaining broker can take the replica of " + at.load.partitions().get(p).name()
                            + " on broker " + at.brokerId(from) + " without breaking its racks or a capacity");
                }
                at.move(p, from, best);
            }
        }
    }

    /**
     * Where the replicas of brokers about to leave go ({@link Mode#REMOVE_BROKERS} by the capacity goals, racks kept
     * where they can be): the new replica list of every partition that has a replica on them.
     */
    public static Map<TopicPartition, List<Integer>> drain(ClusterLoad load, Set<Integer> leaving) throws RebalanceRefused {
        RebalanceRequest request = new RebalanceRequest(Mode.REMOVE_BROKERS, leaving,
                List.of(Goal.REPLICA_CAPACITY.ccName(), Goal.DISK_CAPACITY.ccName()), true, null, RebalanceRequest.Capacity.defaults());
        return plan(load, request).moves();
    }

    /** A partition with two replicas in one rack gets one moved to a rack it does not use, onto that rack's least loaded broker. */
    private void spreadRacks() {
        for (int p = 0; p < at.partitionCount; p++) {
            if (at.fixed[p]) {
                continue;
            }
            for (int i = 0; i < at.replicas[p].length; i++) {
                int from = at.replicas[p][i];
                if (!sharesRack(p, from) || !gives[from]) {
                    continue;
                }
                int best = -1;
                for (int to = 0; to < at.brokerCount; to++) {
                    if (takes[to] && at.rack[to] != at.rack[from] && fits(p, from, to) && (best < 0 || at.count[to] < at.count[best])) {
                        best = to;
                    }
                }
                if (best >= 0) {
                    at.move(p, from, best);
                }
            }
        }
    }

    private boolean sharesRack(int p, int b) {
        for (int r : at.replicas[p]) {
            if (r != b && at.rack[r] == at.rack[b]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Replica counts to within one of the mean: from the broker with the most to the one with the fewest, each
     * time (with {@code bySize}) the replica whose size is closest to what both brokers need per replica to reach
     * the mean bytes as well; otherwise the smallest.
     */
    private void evenCounts(boolean bySize) {
        int high = (int) Math.ceil(meanCount);
        int low = (int) Math.floor(meanCount);
        blocked = new boolean[at.brokerCount][at.brokerCount];
        while (movePair(b -> at.count[b], (from, to) -> {
            // a broker under the mean may take from one that is not over it, when racks allow no other: the pair still evens out
            if (at.count[from] <= high && at.count[to] >= low || at.count[from] - at.count[to] < 2) {
                return Pair.SKIP;
            }
            int p = nearest(from, to, bySize ? sizeWanted(from, to) : 0);
            if (p < 0) {
                return Pair.CANNOT;
            }
            at.move(p, from, to);
            return Pair.MOVED;
        })) {
            // each move brings a pair of counts closer: the loop ends
        }
    }

    /** What one try of a broker pair came to. */
    private enum Pair { MOVED, SKIP, CANNOT }

    private interface PairMove {
        Pair attempt(int from, int to);
    }

    /**
     * Tries broker pairs, the giver with the most of {@code by} first and for it the taker with the least, until
     * one moves something; a pair that cannot is not tried again in this step. False when no pair moved.
     */
    private boolean movePair(IntToLongFunction by, PairMove move) {
        for (int from : order(b -> gives[b], true, by)) {
            for (int to : order(b -> takes[b] && b != from, false, by)) {
                if (blocked[from][to]) {
                    continue;
                }
                Pair tried = move.attempt(from, to);
                if (tried == Pair.MOVED) {
                    return true;
                }
                if (tried == Pair.CANNOT) {
                    blocked[from][to] = true;
                }
            }
        }
        return false;
    }

    /** The size per replica that brings both brokers nearest the mean bytes, given how many replicas each must still give or take. */
    private double sizeWanted(int from, int to) {
        double give = Math.max(1, at.count[from] - meanCount);
        double take = Math.max(1, meanCount - at.count[to]);
        double fromWants = (at.bytes[from] - meanBytes) / give;
        double toWants = (meanBytes - at.bytes[to]) / take;
        return Math.max(0, (fromWants + toWants) / 2);
    }

    /**
     * Bytes to within {@value #BYTES_TOLERANCE} of the mean: from the fullest broker to the emptiest, a single move
     * where the replica counts allow it, else (in a full rebalance) a swap of a replica for a smaller one.
     */
    private void evenBytes() {
        int high = (int) Math.ceil(meanCount);
        int low = (int) Math.floor(meanCount);
        double tolerance = BYTES_TOLERANCE * meanBytes;
        blocked = new boolean[at.brokerCount][at.brokerCount];
        for (int round = 0; round < at.partitionCount && movePair(b -> at.bytes[b], (from, to) -> {
            long a = at.bytes[from];
            long b = at.bytes[to];
            if (a <= meanBytes + tolerance && b >= meanBytes - tolerance || a - b <= tolerance) {
                return Pair.SKIP;
            }
            // across the mean, each side only as far as the mean; else the pair meets half way
            double need = a > meanBytes && b < meanBytes ? Math.min(a - meanBytes, meanBytes - b) : (a - b) / 2.0;
            boolean moved = false;
            if (at.count[from] > low && at.count[to] < high) {
                int p = nearest(from, to, need);
                if (p >= 0 && at.size[p] > 0 && at.size[p] < 2 * need) {
                    at.move(p, from, to);
                    moved = true;
                }
            }
            if (moved || request.mode() == Mode.FULL && swap(from, to, need)) {
                // what the two brokers need changed: pairs with them are worth trying again
                unblock(from);
                unblock(to);
                return Pair.MOVED;
            }
            return Pair.CANNOT;
        }); round++) {
            // each move brings a pair of byte counts closer
        }
    }

    private void unblock(int b) {
        for (int i = 0; i < at.brokerCount; i++) {
            blocked[b][i] = false;
            blocked[i][b] = false;
        }
    }

    /** Swaps a replica on {@code from} for a smaller one on {@code to}, their difference as near {@code need} as found. */
    private boolean swap(int from, int to, double need) {
        int tried = 0;
        for (int small : at.held[to]) {
            if (++tried > LOOK) {
                break;
            }
            if (!fits(small, to, from)) {
                continue;
            }
            int big = nearest(from, to, need + at.size[small], small);
            if (big >= 0 && at.size[big] > at.size[small] && at.size[big] - at.size[small] < 2 * need) {
                at.move(big, from, to);
                at.move(small, to, from);
                return true;
            }
        }
        return false;
    }

    /** Leaders to within one of the mean, by making another replica of a partition its preferred leader. */
    private void evenLeaders() {
        int brokers = 0;
        for (boolean a : active) {
            brokers += a ? 1 : 0;
        }
        double mean = (double) at.partitionCount / Math.max(1, brokers);
        int high = (int) Math.ceil(mean);
        int low = (int) Math.floor(mean);
        for (int sweep = 0; sweep < 20; sweep++) {
            boolean changed = false;
            for (int p = 0; p < at.partitionCount; p++) {
                int leader = at.replicas[p][0];
                if (at.fixed[p] || at.leaders[leader] <= low) {
                    continue;
                }
                int best = -1;
                for (int i = 1; i < at.replicas[p].length; i++) {
                    int r = at.replicas[p][i];
                    if (active[r] && (best < 0 || at.leaders[r] < at.leaders[at.replicas[p][best]])) {
                        best = i;
                    }
                }
                if (best < 0) {
                    continue;
                }
                int other = at.leaders[at.replicas[p][best]];
                if (at.leaders[leader] > high && other < high || at.leaders[leader] > low && other < low) {
                    at.lead(p, best);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        if (goals.contains(Goal.NETWORK_OUTBOUND_USAGE_DISTRIBUTION)) {
            // ahead of leader bytes in in Cruise Control's order; with no consumer reads and one replication factor,
            // evening it out evens leader bytes in too
            evenLeaderLoad(mean, at.networkOut, p -> at.bytesIn[p] * (at.replicas[p].length - 1) + at.bytesOut[p]);
        } else if (goals.contains(Goal.LEADER_BYTES_IN_DISTRIBUTION)) {
            evenLeaderLoad(mean, at.leaderBytesIn, p -> at.bytesIn[p]);
        }
    }

    /**
     * A load only leaders carry, evened out over the brokers: what producers write (a leader takes it and sends it
     * to every follower) or all a leader sends (to followers and consumers). Leadership of the busiest partitions of a
     * broker over the mean goes to a replica on a broker under it, keeping every broker's leader count within 3 % of
     * the mean.
     *
     * @param load      each broker's load, kept up to date by the placement
     * @param partition what leading a partition adds to it
     */
    private void evenLeaderLoad(double meanLeaders, double[] load, IntToDoubleFunction partition) {
        double total = 0;
        int brokers = 0;
        for (int b = 0; b < at.brokerCount; b++) {
            total += load[b];
            brokers += active[b] ? 1 : 0;
        }
        double mean = total / Math.max(1, brokers);
        int most = (int) Math.floor(meanLeaders * 1.03);
        int least = (int) Math.ceil(meanLeaders * 0.97);
        double[] weight = new double[at.partitionCount];
        for (int p = 0; p < at.partitionCount; p++) {
            weight[p] = partition.applyAsDouble(p);
        }
        Integer[] busiest = IntStream.range(0, at.partitionCount).boxed().sorted((a, b) -> Double.compare(weight[b], weight[a]))
                .toArray(Integer[]::new);
        for (int sweep = 0; sweep < 5 && mean > 0; sweep++) {
            boolean changed = false;
            for (int p : busiest) {
                int leader = at.replicas[p][0];
                if (at.fixed[p] || load[leader] <= mean * (1 + BYTES_TOLERANCE) || at.leaders[leader] <= least) {
                    continue;
                }
                // to the least loaded follower that stays below what the leader carries now
                int best = -1;
                for (int i = 1; i < at.replicas[p].length; i++) {
                    int r = at.replicas[p][i];
                    if (active[r] && at.leaders[r] < most && load[r] + weight[p] < load[leader]
                            && (best < 0 || load[r] < load[at.replicas[p][best]])) {
                        best = i;
                    }
                }
                if (best > 0) {
                    at.lead(p, best);
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
        }
    }

    private int nearest(int from, int to, double size) {
        return nearest(from, to, size, -1);
    }

    /** The replica on {@code from} that may move to {@code to} with the size nearest {@code size}; -1 when none may. */
    private int nearest(int from, int to, double size, int except) {
        TreeSet<Integer> held = at.held[from];
        Integer up = at.ceiling(held, Math.round(size));
        Integer down = up == null ? (held.isEmpty() ? null : held.last()) : held.lower(up);
        while (up != null || down != null) {
            boolean takeUp = down == null || up != null && at.size[up] - size <= size - at.size[down];
            int p = takeUp ? up : down;
            if (takeUp) {
                up = held.higher(up);
            } else {
                down = held.lower(down);
            }
            if (p != except && fits(p, from, to)) {
                return p;
            }
        }
        return -1;
    }

    /** Whether p's replica may go from one broker to another: a new broker for it, its racks kept, every capacity respected. */
    private boolean fits(int p, int from, int to) {
        if (at.fixed[p] || at.holds(p, to) || !at.keepsRacks(p, from, to) || !withinCapacity(p, to)) {
            return false;
        }
        if (goals.contains(Goal.TOPIC_REPLICA_DISTRIBUTION)) {
            int t = at.topic[p];
            double mean = topicMean(t);
            return at.topicReplicas[t][to] + 1 <= mean + GoalCheck.topicGap(mean);
        }
        return true;
    }

    /** Whether {@code to} can take a replica of p within the capacity goals: replicas, disk and inbound network. */
    private boolean withinCapacity(int p, int to) {
        RebalanceRequest.Capacity c = request.capacity();
        if (at.count[to] + 1 > c.maxReplicasPerBroker()) {
            return false;
        }
        if (at.diskCapacity[to] > 0 && at.bytes[to] + at.size[p] > at.diskCapacity[to] * c.diskThreshold()) {
            return false;
        }
        return c.inboundBytesPerSecond() <= 0 || at.networkIn[to] + at.bytesIn[p] <= c.inboundBytesPerSecond() * c.networkThreshold();
    }

    private double topicMean(int t) {
        int total = 0;
        int n = 0;
        for (int b = 0; b < at.brokerCount; b++) {
            total += at.topicReplicas[t][b];
            n += active[b] ? 1 : 0;
        }
        return (double) total / Math.max(1, n);
    }

    /** The brokers that pass {@code filter}, by {@code value}, highest first when {@code descending}. */
    private int[] order(IntPredicate filter, boolean descending, IntToLongFunction value) {
        return IntStream.range(0, at.brokerCount).filter(filter).boxed()
                .sorted((a, b) -> descending ? Long.compare(value.applyAsLong(b), value.applyAsLong(a))
                        : Long.compare(value.applyAsLong(a), value.applyAsLong(b)))
                .mapToInt(Integer::intValue).toArray();
    }
}
