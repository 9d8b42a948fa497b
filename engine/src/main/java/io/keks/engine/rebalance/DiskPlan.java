package io.keks.engine.rebalance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the replicas of JBOD volumes to empty go ({@code mode: remove-disks}): each to another log directory of
 * the same broker, the one with the most room left, largest replica first; no directory is filled past 80 % of
 * its size (Cruise Control's disk threshold). A volume is found by its directory, {@code data-<id>}, as keks and
 * Strimzi mount them. Pure.
 */
public final class DiskPlan {
    private static final Pattern VOLUME = Pattern.compile("(?:^|/)data-(\\d+)(?:/|$)");
    private static final double THRESHOLD = 0.8;

    private DiskPlan() {
    }

    /** One log directory of a broker: its size, room left and the replicas in it. */
    public record LogDir(String path, long totalBytes, long usableBytes, Map<TopicPartition, Long> replicas) {
    }

    /** A replica to move from one log directory of its broker to another. */
    public record Move(TopicPartition partition, int broker, String from, String to, long bytes) {
    }

    /** The JBOD volume id of a log directory, from its {@code data-<id>} part. */
    public static OptionalInt volumeOf(String path) {
        Matcher m = VOLUME.matcher(path);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * @param dirs    each broker's log directories
     * @param volumes broker id to the volume ids to empty
     */
    public static List<Move> plan(Map<Integer, List<LogDir>> dirs, Map<Integer, List<Integer>> volumes) throws RebalanceRefused {
        List<Move> moves = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : volumes.entrySet()) {
            int broker = e.getKey();
            List<LogDir> of = dirs.get(broker);
            if (of == null) {
                throw new RebalanceRefused("moveReplicasOffVolumes names broker " + broker + ", which the cluster does not have; its brokers are "
                        + new TreeSet<>(dirs.keySet()));
            }
            TreeSet<Integer> has = new TreeSet<>();
            of.forEach(d -> volumeOf(d.path()).ifPresent(has::add));
            for (int v : e.getValue()) {
                if (!has.contains(v)) {
                    throw new RebalanceRefused("broker " + broker + " has no volume " + v + "; its volumes are " + has);
                }
            }
            List<LogDir> emptied = of.stream().filter(d -> volumeOf(d.path()).stream().anyMatch(e.getValue()::contains)).toList();
            List<LogDir> kept = of.stream().filter(d -> !emptied.contains(d)).toList();
            if (kept.isEmpty()) {
                throw new RebalanceRefused("emptying volumes " + e.getValue() + " would leave broker " + broker
                        + " no log directory; keep at least one of its volumes " + has);
            }
            moves.addAll(spread(broker, emptied, kept));
        }
        return moves;
    }

    private static List<Move> spread(int broker, List<LogDir> emptied, List<LogDir> kept) throws RebalanceRefused {
        Map<String, Long> room = new HashMap<>();
        kept.forEach(d -> room.put(d.path(), d.usableBytes() - (long) ((1 - THRESHOLD) * d.totalBytes())));
        List<Move> moves = new ArrayList<>();
        for (LogDir from : emptied) {
            List<Map.Entry<TopicPartition, Long>> largestFirst = from.replicas().entrySet().stream()
                    .sorted(Map.Entry.<TopicPartition, Long>comparingByValue().reversed()
                            .thenComparing(x -> x.getKey().toString())).toList();
            for (Map.Entry<TopicPartition, Long> r : largestFirst) {
                // the most room; of equals, the first path
                String to = room.entrySet().stream().max(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).orElseThrow().getKey();
                if (room.get(to) < r.getValue()) {
                    throw new RebalanceRefused("broker " + broker + " has not room for " + r.getKey() + " (" + r.getValue() / (1 << 20)
                            + " MiB) in its other log directories without filling one past 80 %");
                }
                room.merge(to, -r.getValue(), Long::sum);
                moves.add(new Move(r.getKey(), broker, from.path(), to, r.getValue()));
            }
        }
        return moves;
    }
}
