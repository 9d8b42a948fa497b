package io.keks.engine.change;

import io.keks.engine.rebalance.DiskPlan;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.Role;
import io.keks.model.VolumeSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Changes to a running cluster that keks refuses, each with its reason and what to do instead.
 * A refused change is refused whole, before anything is written or touched.
 */
public final class ChangeSafety {
    private ChangeSafety() {
    }

    /** Refusals that follow from the manifests alone: the cluster as last applied against the wanted one. */
    public static List<String> refusals(DesiredCluster last, DesiredCluster wanted) {
        List<String> refused = new ArrayList<>();
        if (wanted.brokers().isEmpty()) {
            refused.add("no node pool with the broker role would be left: a cluster needs brokers; keep at least one broker pool"
                    + " with replicas > 0");
        }
        if (wanted.controllers().isEmpty()) {
            refused.add("no node pool with the controller role would be left: the metadata quorum would be gone; keep the"
                    + " controller pool");
        }
        for (Map.Entry<String, List<Integer>> pool : last.poolIds().entrySet()) {
            if (pool.getValue().isEmpty() || !wanted.poolIds().containsKey(pool.getKey())) {
                continue;
            }
            Set<Role> was = last.node(pool.getValue().get(0)).roles();
            Set<Role> now = wanted.nodes().stream().filter(n -> n.pool().equals(pool.getKey())).findFirst()
                    .map(DesiredNode::roles).orElse(was);
            if (!was.equals(now) && (was.contains(Role.CONTROLLER) || now.contains(Role.CONTROLLER))) {
                refused.add("KafkaNodePool " + pool.getKey() + ": its roles would change from " + roles(was) + " to " + roles(now)
                        + "; a pool's controller role cannot be added or removed on a running cluster (the metadata quorum"
                        + " and its log would move); add a new pool with the roles you want instead");
            }
        }
        Set<Integer> controllersWere = ids(last.controllers());
        Set<Integer> controllersNow = ids(wanted.controllers());
        if (!wanted.controllers().isEmpty() && !controllersWere.isEmpty() && controllersNow.stream().noneMatch(controllersWere::contains)) {
            refused.add("the controllers would change from " + controllersWere + " to " + controllersNow + " with none of them"
                    + " staying: the new controllers would have no voter of the running quorum to find it through; add the new"
                    + " controllers first (keks adds them to the quorum), then remove the old ones in a second apply");
        }
        for (DesiredNode n : wanted.nodes()) {
            if (last.nodes().stream().noneMatch(r -> r.id() == n.id())) {
                continue;
            }
            DesiredNode r = last.node(n.id());
            for (VolumeSpec old : r.volumes()) {
                VolumeSpec now = n.volumes().stream().filter(v -> v.id() == old.id()).findFirst().orElse(null);
                String where = "KafkaNodePool " + n.pool() + " (node " + n.id() + "), volume " + old.id();
                if (now == null) {
                    if (old.equals(r.metadataVolume())) {
                        refused.add(where + " would be removed, and it holds the node's KRaft metadata log, which cannot move to"
                                + " another volume; keep it in spec.storage (a volume with kraftMetadata: shared, or the first"
                                + " one)");
                    }
                } else if (!now.type().equals(old.type())) {
                    refused.add(where + ": its type would change from " + old.type() + " to " + now.type()
                            + "; a volume's type cannot change; keep " + old.type());
                } else if (now.sizeBytes() < old.sizeBytes()) {
                    refused.add(where + ": its size would shrink from " + old.size() + " to " + now.size()
                            + "; volumes can grow but never shrink; keep size " + old.size() + " or more");
                }
            }
        }
        return refused;
    }

    /**
     * Volumes the manifests remove from nodes that stay: per node id, the ids of its volumes that go. A removed
     * volume must hold no partition replica ({@link #volumeRefusals}).
     */
    public static Map<Integer, Set<Integer>> removedVolumes(DesiredCluster last, DesiredCluster wanted) {
        Map<Integer, Set<Integer>> removed = new TreeMap<>();
        for (DesiredNode n : wanted.nodes()) {
            if (last.nodes().stream().noneMatch(r -> r.id() == n.id())) {
                continue;
            }
            Set<Integer> kept = n.volumes().stream().map(VolumeSpec::id).collect(Collectors.toSet());
            Set<Integer> gone = last.node(n.id()).volumes().stream().map(VolumeSpec::id).filter(id -> !kept.contains(id))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!gone.isEmpty()) {
                removed.put(n.id(), gone);
            }
        }
        return removed;
    }

    /**
     * Refusals of removing volumes that Kafka still keeps partition replicas on (or is moving some to): the node
     * would start without them, and those replicas would be offline on it. Only brokers keep partitions; the
     * volume is found by its directory ({@code data-<id>}) in what the broker reports.
     */
    public static List<String> volumeRefusals(Admin admin, DesiredCluster wanted, Map<Integer, Set<Integer>> removed,
                                              long timeoutMs) throws Exception {
        List<String> refused = new ArrayList<>();
        List<Integer> brokers = removed.keySet().stream().filter(id -> wanted.node(id).isBroker()).toList();
        if (brokers.isEmpty()) {
            return refused;
        }
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        for (int broker : brokers) {
            DesiredNode node = wanted.node(broker);
            for (int volume : removed.get(broker)) {
                List<String> replicas = new ArrayList<>();
                dirs.getOrDefault(broker, Map.of()).forEach((path, d) -> {
                    if (DiskPlan.volumeOf(path).orElse(-1) == volume) {
                        d.replicaInfos().keySet().stream().map(TopicPartition::toString).sorted().forEach(replicas::add);
                    }
                });
                if (!replicas.isEmpty()) {
                    refused.add("KafkaNodePool " + node.pool() + " (node " + broker + "), volume " + volume + " would be removed,"
                            + " but Kafka keeps " + replicas.size() + " partition replica(s) on it (" + String.join(", ",
                            replicas.subList(0, Math.min(5, replicas.size()))) + (replicas.size() > 5 ? " and "
                            + (replicas.size() - 5) + " more" : "") + "); empty it first with a KafkaRebalance of mode"
                            + " remove-disks (moveReplicasOffVolumes: [{brokerId: " + broker + ", volumeIds: [" + volume
                            + "]}]), then apply this again");
                }
            }
        }
        return refused;
    }

    /**
     * Refusals of a Kafka version or metadata.version change. A version may go up, or down as far as
     * the storage and the finalized metadata.version allow; metadata.version only goes up.
     *
     * @param formattedBy     the newest Kafka version that formatted a node's storage
     * @param finalizedLevel  the finalized metadata.version level, empty when the cluster does not run
     * @param current         metadata levels as the running Kafka version names them
     * @param target          metadata levels as the wanted Kafka version names them
     */
    public static List<String> versionRefusals(KafkaVersion running, KafkaVersion formattedBy, DesiredCluster wanted,
                                               OptionalInt finalizedLevel, MetadataVersions current, MetadataVersions target) {
        List<String> refused = new ArrayList<>();
        KafkaVersion version = wanted.version();
        if (version.compareTo(formattedBy) < 0) {
            refused.add("spec.kafka.version " + version + " is older than Kafka " + formattedBy + ", which formatted the storage"
                    + " of nodes of this cluster; Kafka does not run on directories a newer Kafka formatted; keep"
                    + " spec.kafka.version " + formattedBy + " or newer");
        }
        if (finalizedLevel.isPresent() && finalizedLevel.getAsInt() > target.latestProduction()) {
            refused.add("metadata.version is finalized at " + current.describe(finalizedLevel.getAsInt())
                    + ", newer than Kafka " + version + " supports (up to "
                    + target.name(target.latestProduction()) + "); metadata.version cannot be lowered, so keep spec.kafka.version "
                    + running);
        }
        String mv = wanted.metadataVersion();
        if (mv != null) {
            OptionalInt level = target.level(mv);
            if (level.isEmpty() || level.getAsInt() > target.latestProduction()) {
                refused.add("spec.kafka.metadataVersion " + mv + " is not a metadata version Kafka " + version
                        + " runs in production; use " + target.name(target.latestProduction()) + " or older");
            } else if (finalizedLevel.isPresent() && level.getAsInt() < finalizedLevel.getAsInt()) {
                refused.add("spec.kafka.metadataVersion " + mv + " is older than the finalized metadata.version "
                        + current.name(finalizedLevel.getAsInt()) + "; metadata.version cannot be lowered; set "
                        + current.name(finalizedLevel.getAsInt()) + " or newer, or remove spec.kafka.metadataVersion");
            }
        }
        return refused;
    }

    /**
     * Refusals that need the running cluster's topics: fewer brokers than a topic's replication
     * factor, and a cluster-wide min.insync.replicas above the replication factor of a topic that does
     * not set its own.
     */
    public static List<String> refusals(Admin admin, DesiredCluster wanted, long timeoutMs) throws Exception {
        List<String> refused = new ArrayList<>();
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(timeoutMs, TimeUnit.MILLISECONDS);
        if (names.isEmpty()) {
            return refused;
        }
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        int brokers = wanted.brokers().size();
        topics.values().stream().filter(t -> replicationFactor(t) > brokers)
                .max(Comparator.comparingInt(ChangeSafety::replicationFactor)).ifPresent(t -> refused.add(
                        "the node pools would leave " + brokers + " broker(s), fewer than the " + replicationFactor(t)
                                + " replicas of topic " + t.name() + topicsAlso(topics.values(), brokers, t)
                                + "; lower those topics' replicas first, or keep at least " + replicationFactor(t) + " brokers"));
        String clusterMin = wanted.config().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (clusterMin != null) {
            int min = parse(clusterMin);
            List<String> below = topicsWithoutOwnMinIsr(admin, topics, timeoutMs).stream()
                    .filter(t -> replicationFactor(topics.get(t)) < min).sorted().toList();
            if (!below.isEmpty()) {
                refused.add("spec.kafka.config min.insync.replicas " + min + " is above the replication factor of topic(s) "
                        + below.stream().limit(5).map(t -> t + " (" + replicationFactor(topics.get(t)) + ")")
                        .collect(Collectors.joining(", ")) + (below.size() > 5 ? " and " + (below.size() - 5) + " more" : "")
                        + ", so every acks=all write to them would fail; set it to at most the smallest replication factor,"
                        + " or give those topics their own min.insync.replicas");
            }
        }
        return refused;
    }

    private static List<String> topicsWithoutOwnMinIsr(Admin admin, Map<String, TopicDescription> topics, long timeoutMs)
            throws Exception {
        List<ConfigResource> resources = topics.keySet().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<String> without = new ArrayList<>();
        configs.forEach((r, c) -> {
            ConfigEntry e = c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (e == null || e.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                without.add(r.name());
            }
        });
        return without;
    }

    private static String topicsAlso(Collection<TopicDescription> topics, int brokers, TopicDescription shown) {
        long others = topics.stream().filter(t -> t != shown && replicationFactor(t) > brokers).count();
        return others == 0 ? "" : " (and " + others + " other topic(s) with more replicas than that)";
    }

    static int replicationFactor(TopicDescription t) {
        return t.partitions().stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
    }

    private static Set<Integer> ids(List<DesiredNode> nodes) {
        return nodes.stream().map(DesiredNode::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String roles(Set<Role> roles) {
        return roles.stream().map(Role::kafkaName).sorted().toList().toString();
    }

    private static int parse(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
