package io.keks.engine.rebalance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * Whether a placement meets each goal, and the balancedness score that sums it up. The thresholds are Cruise
 * Control's defaults: a distribution goal holds when every broker is within 10 % of the mean (and within one
 * unit: three replicas over two brokers are as even as they get); a topic's replicas per broker may stray from
 * their mean by twice it, at least 2 and at most 40 replicas. A goal with no load at all (no traffic sampled)
 * holds.
 */
final class GoalCheck {
    private static final double BALANCE = 0.10;
    private static final double PRIORITY_WEIGHT = 1.1;
    private static final double HARD_WEIGHT = 1.5;

    /** A goal and whether it holds, with why not. */
    record Result(Goal goal, boolean met, String detail) {
    }

    private final Placement at;
    private final boolean[] active;
    private final RebalanceRequest.Capacity capacity;

    /** @param active the brokers that hold replicas once the plan is done (not those being removed) */
    GoalCheck(Placement at, boolean[] active, RebalanceRequest.Capacity capacity) {
        this.at = at;
        this.active = active;
        this.capacity = capacity;
    }

    List<Result> check(List<Goal> goals) {
        List<Result> results = new ArrayList<>();
        for (Goal g : goals) {
            String why = g.evaluated() ? broken(g) : "";
            results.add(new Result(g, why.isEmpty(), why));
        }
        return results;
    }

    /**
     * 100 when every goal holds. Each goal weighs 1.1 times the one after it, a hard goal 1.5 times more, as
     * Cruise Control weighs them; goals keks cannot evaluate do not count.
     */
    static double balancedness(List<Result> results) {
        List<Result> weighed = results.stream().filter(r -> r.goal().evaluated()).toList();
        double total = 0;
        double met = 0;
        for (int i = 0; i < weighed.size(); i++) {
            double w = Math.pow(PRIORITY_WEIGHT, weighed.size() - 1 - i) * (weighed.get(i).goal().hard() ? HARD_WEIGHT : 1);
            total += w;
            met += weighed.get(i).met() ? w : 0;
        }
        return total == 0 ? 100 : Math.round(1000 * met / total) / 10.0;
    }

    /** Why {@code g} does not hold; empty when it does. */
    private String broken(Goal g) {
        return switch (g) {
            case RACK_AWARE -> rackAware(false);
            case RACK_AWARE_DISTRIBUTION -> rackAware(true);
            case REPLICA_CAPACITY -> over(b -> at.count[b], b -> capacity.maxReplicasPerBroker(), "replicas");
            case DISK_CAPACITY -> over(b -> at.bytes[b], b -> at.diskCapacity[b] * capacity.diskThreshold(), "bytes on disk");
            case NETWORK_INBOUND_CAPACITY -> over(b -> at.networkIn[b],
                    b -> capacity.inboundBytesPerSecond() * capacity.networkThreshold(), "bytes/s in");
            case NETWORK_OUTBOUND_CAPACITY -> over(b -> at.networkOut[b],
                    b -> capacity.outboundBytesPerSecond() * capacity.networkThreshold(), "bytes/s out");
            case REPLICA_DISTRIBUTION -> spread(b -> at.count[b], "replicas");
            case DISK_USAGE_DISTRIBUTION -> spread(b -> at.bytes[b], "bytes on disk");
            case NETWORK_INBOUND_USAGE_DISTRIBUTION -> spread(b -> at.networkIn[b], "bytes/s in");
            case NETWORK_OUTBOUND_USAGE_DISTRIBUTION -> spread(b -> at.networkOut[b], "bytes/s out");
            case LEADER_REPLICA_DISTRIBUTION -> spread(b -> at.leaders[b], "leaders");
            case LEADER_BYTES_IN_DISTRIBUTION -> spread(b -> at.leaderBytesIn[b], "leader bytes/s in");
            case TOPIC_REPLICA_DISTRIBUTION -> topicSpread();
            default -> "";
        };
    }

    private String rackAware(boolean distribution) {
        Set<Integer> racks = new HashSet<>();
        for (int b = 0; b < at.brokerCount; b++) {
            if (active[b]) {
                racks.add(at.rack[b]);
            }
        }
        for (int p = 0; p < at.partitionCount; p++) {
            int[] perRack = new int[racks.size() + at.brokerCount];
            int most = 0;
            for (int r : at.replicas[p]) {
                most = Math.max(most, ++perRack[at.rack[r]]);
            }
            int allowed = distribution ? (at.replicas[p].length + racks.size() - 1) / racks.size() : 1;
            if (most > allowed) {
                return at.load.partitions().get(p).name() + " has " + most + " replicas in one rack"
                        + (at.replicas[p].length > racks.size() ? " (it has " + at.replicas[p].length + " replicas and the brokers "
                        + racks.size() + " racks)" : "");
            }
        }
        return "";
    }

    private String over(IntToDoubleFunction value, IntToDoubleFunction limit, String what) {
        for (int b = 0; b < at.brokerCount; b++) {
            double l = limit.applyAsDouble(b);
            if (active[b] && l > 0 && value.applyAsDouble(b) > l) {
                return "broker " + at.brokerId(b) + " would hold " + Math.round(value.applyAsDouble(b)) + " " + what
                        + ", over its limit of " + Math.round(l);
            }
        }
        return "";
    }

    private String spread(IntToDoubleFunction value, String what) {
        double sum = 0;
        double max = 0;
        int n = 0;
        for (int b = 0; b < at.brokerCount; b++) {
            if (active[b]) {
                sum += value.applyAsDouble(b);
                max = Math.max(max, value.applyAsDouble(b));
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        if (mean <= 0) {
            return "";
        }
        for (int b = 0; b < at.brokerCount; b++) {
            double v = value.applyAsDouble(b);
            if (active[b] && Math.abs(v - mean) > BALANCE * mean && Math.abs(v - mean) >= 1) {
                return "broker " + at.brokerId(b) + " has " + Math.round(v) + " " + what + " against a mean of " + Math.round(mean);
            }
        }
        return "";
    }

    private String topicSpread() {
        int n = 0;
        for (boolean a : active) {
            n += a ? 1 : 0;
        }
        for (int t = 0; t < at.topicCount; t++) {
            int total = 0;
            for (int b = 0; b < at.brokerCount; b++) {
                total += at.topicReplicas[t][b];
            }
            double mean = (double) total / n;
            double gap = topicGap(mean);
            for (int b = 0; b < at.brokerCount; b++) {
                int c = at.topicReplicas[t][b];
                if (active[b] && (c > mean + gap || c < mean - gap)) {
                    return "broker " + at.brokerId(b) + " holds " + c + " replicas of one topic against a mean of " + Math.round(mean);
                }
            }
        }
        return "";
    }

    /** How far a broker's replica count of one topic may stray from the topic's mean. */
    static double topicGap(double mean) {
        return Math.min(40, Math.max(2, 2 * mean));
    }
}
