package io.keks.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;

/**
 * How full one log directory of one broker is, as the broker itself says (describeLogDirs): the size of the
 * filesystem it is on and the bytes still free there.
 *
 * @param totalBytes  the filesystem's size; -1 when the broker did not say (Kafka before 3.3)
 * @param usableBytes what is still free on it; -1 when the broker did not say
 * @param error       why the broker cannot use the directory (Kafka took it offline, for example when it filled);
 *                    null when it serves
 */
public record DiskUse(int broker, String dir, long totalBytes, long usableBytes, String error) {
    /** At this share of a volume used, keks warns: a full log directory is taken offline by Kafka. */
    public static final int WARN_PERCENT = 85;

    private static final Pattern VOLUME_DIR = Pattern.compile(".*/data-([0-9]+)/kafka-log[0-9]+/?");

    /**
     * The id of the volume the directory is on, from its path ({@code .../data-<volume>/kafka-log<node>} on every
     * runtime); empty for a directory keks did not name.
     */
    public OptionalInt volume() {
        Matcher m = VOLUME_DIR.matcher(dir);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * Locally, where a disk cannot grow, a node is not started on a filesystem this full: Kafka would take its log
     * directory offline as soon as it fills, and a broker with no log directory left stops.
     */
    public static final int REFUSE_START_PERCENT = 95;

    /** The bytes in use, -1 when not known. */
    public long usedBytes() {
        return totalBytes < 0 || usableBytes < 0 ? -1 : totalBytes - usableBytes;
    }

    /** The share in use, rounded up to a whole percent so that a nearly full volume never shows less; -1 when not known. */
    public int percentUsed() {
        return totalBytes <= 0 || usableBytes < 0 ? -1 : (int) Math.ceil(100.0 * usedBytes() / totalBytes);
    }

    public boolean offline() {
        return error != null;
    }

    /** Offline, or at least {@code percent} full. */
    public boolean needsAttention(int percent) {
        return offline() || percentUsed() >= percent;
    }

    /** The reason of the Warning condition for a volume that needs attention. */
    public String reason() {
        return offline() ? "LogDirectoryOffline" : "VolumeNearlyFull";
    }

    /** As a status column shows it: {@code 41% of 98G}, {@code offline}, or {@code ?} when the broker did not say. */
    public String brief() {
        if (offline()) {
            return "offline";
        }
        return percentUsed() < 0 ? "?" : percentUsed() + "% of " + bytes(totalBytes);
    }

    /**
     * What a person reads when the volume needs attention: which node and directory, the numbers, and what to do
     * where the volume cannot grow by itself.
     */
    public String warning(String node) {
        if (offline()) {
            return node + "'s log directory " + dir + " is offline (" + error + "): Kafka stopped using it, and the replicas"
                    + " in it are offline on this broker; free space on its volume (or replace the volume), then restart " + node;
        }
        return node + "'s log directory " + dir + " is " + percentUsed() + "% full (" + bytes(usedBytes()) + " of " + bytes(totalBytes)
                + ", " + bytes(usableBytes) + " free); Kafka takes a directory offline when it fills: lower retention.ms or"
                + " retention.bytes of its largest topics, delete topics no one reads, move partitions to other brokers"
                + " (a KafkaRebalance), or give the node a larger volume";
    }

    /** Why {@code node} is not started on this volume's filesystem, with the numbers and what to do. */
    public String startRefusal(String node) {
        return node + " is not started: its volume " + dir + " is on a filesystem " + percentUsed() + "% full (" + bytes(usedBytes())
                + " of " + bytes(totalBytes) + ", " + bytes(usableBytes) + " free), and Kafka takes a log directory offline when it"
                + " fills; free space on that filesystem (a stopped cluster's data stays: `keks down --delete-data` of a cluster you"
                + " no longer need, or lower retention.ms of its largest topics once it runs), or move KEKS_HOME to a larger disk";
    }

    /** Why {@code node}, which stopped, is not started again until its volume's filesystem has room. */
    public String restartHeld(String node) {
        return node + " stopped and is not started again: its volume " + dir + " is on a filesystem " + percentUsed() + "% full ("
                + bytes(usedBytes()) + " of " + bytes(totalBytes) + ", " + bytes(usableBytes) + " free), and Kafka stops a broker"
                + " whose log directories have all failed; free space on that filesystem, and keks starts " + node + " again by"
                + " itself once it is under " + REFUSE_START_PERCENT + "% full, where it catches up from the other replicas";
    }

    /** Every log directory of each of {@code brokers}; a broker that does not answer in time is left out. */
    public static List<DiskUse> read(Admin admin, Collection<Integer> brokers, long timeoutMs) {
        List<DiskUse> out = new ArrayList<>();
        describe(admin, brokers, timeoutMs).forEach((id, dirs) -> out.addAll(of(id, dirs)));
        out.sort(java.util.Comparator.comparingInt(DiskUse::broker).thenComparing(DiskUse::dir));
        return out;
    }

    /** describeLogDirs of each of {@code brokers}, by broker; a broker that does not answer in time is left out. */
    public static Map<Integer, Map<String, LogDirDescription>> describe(Admin admin, Collection<Integer> brokers, long timeoutMs) {
        Map<Integer, Map<String, LogDirDescription>> out = new TreeMap<>();
        if (brokers.isEmpty()) {
            return out;
        }
        admin.describeLogDirs(brokers).descriptions().forEach((id, future) -> {
            try {
                out.put(id, future.get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                // that broker's disks stay unknown this look
            }
        });
        return out;
    }

    /** One broker's answer, a directory each, in path order. */
    public static List<DiskUse> of(int broker, Map<String, LogDirDescription> dirs) {
        List<DiskUse> out = new ArrayList<>();
        new TreeMap<>(dirs).forEach((dir, d) -> out.add(new DiskUse(broker, dir, d.totalBytes().orElse(-1), d.usableBytes().orElse(-1),
                d.error() == null ? null : d.error().getClass().getSimpleName() + (d.error().getMessage() == null ? ""
                        : ": " + d.error().getMessage()))));
        return out;
    }

    /** Bytes as people read disk sizes: 512K, 9.8G, 1000G, 1.5T (binary units, as df -h shows them). */
    public static String bytes(long n) {
        if (n < 0) {
            return "?";
        }
        String[] units = {"B", "K", "M", "G", "T", "P"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 10 || u == 0 ? String.valueOf(Math.round(v)) : String.format(java.util.Locale.ROOT, "%.1f", v)) + units[u];
    }
}
