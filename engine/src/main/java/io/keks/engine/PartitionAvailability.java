package io.keks.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The partitions that cannot take an acks=all write, and why, as both runtimes report them (the
 * {@code PartitionsOffline} and {@code PartitionsUnderMinIsr} Warnings of {@code keks status} and of
 * the Kafka resource): offline ones have no leader; the others have fewer in-sync replicas than
 * their min.insync.replicas. Read from one listing and description of the topics, with configs read
 * only for topics whose in-sync replicas shrank, so a healthy cluster of thousands of topics costs
 * no describeConfigs at all.
 *
 * @param offline     partitions with no leader
 * @param underMinIsr partitions with a leader and fewer in-sync replicas than their min.insync.replicas
 * @param serving     the brokers that were registered and not fenced
 */
public record PartitionAvailability(List<Partition> offline, List<Partition> underMinIsr, Set<Integer> serving) {
    /** How many partitions a message names before it says "and N more". */
    static final int NAMED = 5;

    public static final PartitionAvailability UNKNOWN = new PartitionAvailability(List.of(), List.of(), Set.of());

    public PartitionAvailability {
        offline = List.copyOf(offline);
        underMinIsr = List.copyOf(underMinIsr);
        serving = Set.copyOf(serving);
    }

    /**
     * @param minIsr               the topic's min.insync.replicas
     * @param uncleanElectionOn    whether the topic lets Kafka elect a replica that was not in sync
     */
    public record Partition(String topic, int partition, List<Integer> replicas, List<Integer> isr, int minIsr,
                            boolean uncleanElectionOn) {
        public String name() {
            return topic + "-" + partition;
        }
    }

    /** A Warning to show: its reason and its message. */
    public record Warning(String reason, String message) {
    }

    /** No leader: no replica in sync is on a serving broker, or the election has not happened yet. */
    public static boolean offline(TopicPartitionInfo p) {
        return p.leader() == null || p.leader().isEmpty() || p.leader().id() < 0;
    }

    /** Fewer replicas in sync than the topic asks acks=all writes to reach. */
    public static boolean underMinIsr(TopicPartitionInfo p, int minIsr) {
        return p.isr().size() < minIsr;
    }

    /**
     * Reads the topics (internal ones too), then the brokers serving, then the configs of topics whose in-sync
     * replicas shrank. The brokers are read after the topics: a broker fenced in between is then never said to
     * serve while its partitions already lost their leader.
     */
    public static PartitionAvailability read(Admin admin, long timeoutMs) throws Exception {
        Map<String, TopicDescription> topics = AllTopics.describe(admin, timeoutMs);
        // without fenced brokers: those that serve
        Set<Integer> serving = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).stream().map(Node::id)
                .collect(Collectors.toSet());
        Set<String> shrunk = topics.values().stream()
                .filter(t -> t.partitions().stream().anyMatch(p -> p.isr().size() < p.replicas().size() || offline(p)))
                .map(TopicDescription::name).collect(Collectors.toCollection(TreeSet::new));
        return of(topics.values(), settings(admin, shrunk, timeoutMs), serving);
    }

    /** What a topic's configs say of its availability; min.insync.replicas 1 and unclean election off when not known. */
    public record TopicSettings(int minIsr, boolean uncleanElectionOn) {
        static final TopicSettings UNKNOWN = new TopicSettings(1, false);
    }

    /** min.insync.replicas and unclean.leader.election.enable of each topic, as Kafka resolves them, in one call. */
    public static Map<String, TopicSettings> settings(Admin admin, Collection<String> topics, long timeoutMs) throws Exception {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().sorted().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, TopicSettings> out = new HashMap<>();
        configs.forEach((r, c) -> {
            ConfigEntry min = c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            ConfigEntry unclean = c.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
            out.put(r.name(), new TopicSettings(min == null || min.value() == null ? 1 : Integer.parseInt(min.value()),
                    unclean != null && Boolean.parseBoolean(unclean.value())));
        });
        return out;
    }

    /** The partitions of {@code topics} that cannot take an acks=all write. */
    public static PartitionAvailability of(Collection<TopicDescription> topics, Map<String, TopicSettings> settings, Set<Integer> serving) {
        List<Partition> offline = new ArrayList<>();
        List<Partition> under = new ArrayList<>();
        for (TopicDescription t : topics) {
            TopicSettings s = settings.getOrDefault(t.name(), TopicSettings.UNKNOWN);
            for (TopicPartitionInfo p : t.partitions()) {
                boolean noLeader = offline(p);
                if (noLeader || underMinIsr(p, s.minIsr())) {
                    Partition part = new Partition(t.name(), p.partition(), ids(p.replicas()), ids(p.isr()), s.minIsr(),
                            s.uncleanElectionOn());
                    (noLeader ? offline : under).add(part);
                }
            }
        }
        Comparator<Partition> order = Comparator.comparing(Partition::topic).thenComparingInt(Partition::partition);
        offline.sort(order);
        under.sort(order);
        return new PartitionAvailability(offline, under, serving);
    }

    /** Whether every partition can take an acks=all write. */
    public boolean allAvailable() {
        return offline.isEmpty() && underMinIsr.isEmpty();
    }

    /** The Warnings to show, offline partitions first; none when every partition can take an acks=all write. */
    public List<Warning> warnings() {
        List<Warning> out = new ArrayList<>();
        if (!offline.isEmpty()) {
            boolean unclean = offline.stream().anyMatch(Partition::uncleanElectionOn);
            out.add(new Warning("PartitionsOffline", count(offline) + " no leader: " + names(offline) + ". " + missing(offline)
                    + (unclean ? " Some of these topics set unclean.leader.election.enable, so Kafka may make a replica that was"
                            + " not in sync their leader, and the records it lacks are lost."
                            : " Kafka elects a leader only from replicas that were in sync (unclean leader election is off), so"
                            + " producers to them wait and retry, and their consumers stop, until one of those brokers is back:"
                            + " bring it back rather than turn unclean.leader.election.enable on, which loses acknowledged records.")));
        }
        if (!underMinIsr.isEmpty()) {
            out.add(new Warning("PartitionsUnderMinIsr", count(underMinIsr) + " fewer in-sync replicas than min.insync.replicas: "
                    + underMinIsr.stream().limit(NAMED).map(p -> p.name() + " (" + p.isr().size() + " of min " + p.minIsr() + ")")
                    .collect(Collectors.joining(", ")) + more(underMinIsr) + ". " + missing(underMinIsr)
                    + " Writes with acks=all to them fail with NOT_ENOUGH_REPLICAS and producers retry them; nothing acknowledged"
                    + " is lost. They take writes again once those brokers are back and have caught up."));
        }
        return out;
    }

    private static String count(List<Partition> ps) {
        return ps.size() == 1 ? "1 partition has" : ps.size() + " partitions have";
    }

    private static String names(List<Partition> ps) {
        return ps.stream().limit(NAMED).map(Partition::name).collect(Collectors.joining(", ")) + more(ps);
    }

    private static String more(List<Partition> ps) {
        return ps.size() > NAMED ? " and " + (ps.size() - NAMED) + " more" : "";
    }

    /** Which brokers holding their replicas are not serving, and which serve but are out of sync. */
    private String missing(List<Partition> ps) {
        Set<Integer> down = new TreeSet<>();
        Set<Integer> behind = new TreeSet<>();
        for (Partition p : ps) {
            for (int r : p.replicas()) {
                if (!serving.contains(r)) {
                    down.add(r);
                } else if (!p.isr().contains(r)) {
                    behind.add(r);
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (!down.isEmpty()) {
            parts.add(capital(brokers(down)) + (down.size() == 1 ? ", which holds replicas of them, is" : ", which hold replicas of them, are")
                    + " not serving.");
        }
        if (!behind.isEmpty()) {
            parts.add(capital(brokers(behind)) + (behind.size() == 1 ? " serves but has" : " serve but have")
                    + " not caught up with them.");
        }
        return parts.isEmpty() ? "Their replicas are all in sync but fewer than min.insync.replicas: raise the replication factor"
                + " or lower min.insync.replicas." : String.join(" ", parts);
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String brokers(Set<Integer> ids) {
        return (ids.size() == 1 ? "broker " : "brokers ") + ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
