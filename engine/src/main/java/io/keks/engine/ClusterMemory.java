package io.keks.engine;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * What keks remembers about a cluster for its whole life, because the manifests cannot give it again.
 * The local runtime keeps it in state.json, the operator in the cluster's identity ConfigMap.
 *
 * @param clusterId          Kafka's cluster id, given to every node's storage
 * @param directoryIds       per node, the directory id of its metadata log dir
 * @param initialControllers the controllers that formed the quorum: only they are formatted with
 *                           {@code --initial-controllers}; a later one joins as an observer
 * @param formatted          the nodes whose storage exists, with the Kafka version that formatted it
 * @param managedConfig      dynamic broker configs keks set live; removed when the manifests drop them
 * @param internalTls        whether the internal listeners run mutual TLS whatever the manifests' security:
 *                           true for every cluster made since keks does so; an older one keeps plaintext
 *                           inside unless it is secured (switching a running quorum's protocol node by node
 *                           would split it)
 */
public record ClusterMemory(String clusterId, Map<Integer, String> directoryIds, Set<Integer> initialControllers,
                            Map<Integer, String> formatted, Set<String> managedConfig, boolean internalTls) {

    public ClusterMemory {
        directoryIds = directoryIds == null ? new TreeMap<>() : new TreeMap<>(directoryIds);
        initialControllers = initialControllers == null ? new TreeSet<>() : new TreeSet<>(initialControllers);
        formatted = formatted == null ? new TreeMap<>() : new TreeMap<>(formatted);
        managedConfig = managedConfig == null ? new TreeSet<>() : new TreeSet<>(managedConfig);
    }

    /** A new cluster's memory: ids as random as Kafka's own tools make them, mutual TLS inside. */
    public static ClusterMemory newCluster(DesiredCluster cluster) {
        return new ClusterMemory(Uuid.randomUuid().toString(), Map.of(), controllerIds(cluster), Map.of(), Set.of(), true)
                .withNodes(cluster);
    }

    /**
     * The memory {@code keks render} shows: derived from the namespace and name, so rendering the same
     * manifests twice gives the same objects (a diff shows only what changed).
     */
    public static ClusterMemory derived(DesiredCluster cluster) {
        String base = cluster.namespace() + "/" + cluster.name();
        return new ClusterMemory(uuid(base), cluster.nodes().stream().collect(Collectors.toMap(DesiredNode::id, n -> uuid(base + "/" + n.id()))),
                controllerIds(cluster), Map.of(), Set.of(), true);
    }

    /** Nodes new to the cluster get directory ids; the initial controllers are chosen once. */
    public ClusterMemory withNodes(DesiredCluster cluster) {
        Map<Integer, String> ids = new TreeMap<>(directoryIds);
        cluster.nodes().forEach(n -> ids.computeIfAbsent(n.id(), id -> Uuid.randomUuid().toString()));
        // chosen once, before any node is formatted: later the quorum exists, and every new controller joins it
        return new ClusterMemory(clusterId, ids, initialControllers.isEmpty() && formatted.isEmpty() ? controllerIds(cluster)
                : initialControllers, formatted, managedConfig, internalTls);
    }

    public ClusterMemory withFormatted(Map<Integer, String> nodes) {
        return new ClusterMemory(clusterId, directoryIds, initialControllers, nodes, managedConfig, internalTls);
    }

    public ClusterMemory withManagedConfig(Set<String> keys) {
        return new ClusterMemory(clusterId, directoryIds, initialControllers, formatted, keys, internalTls);
    }

    /**
     * A node left the cluster for good: its storage and directory id are gone, and it is no initial controller any
     * more (a node of the same id added later joins the running quorum; formatting it with the initial controllers
     * would start a second quorum).
     */
    public ClusterMemory without(int node) {
        Map<Integer, String> f = new TreeMap<>(formatted);
        f.remove(node);
        Map<Integer, String> d = new TreeMap<>(directoryIds);
        d.remove(node);
        Set<Integer> initial = new TreeSet<>(initialControllers);
        initial.remove(node);
        return new ClusterMemory(clusterId, d, initial, f, managedConfig, internalTls);
    }

    /** The newest Kafka version that formatted a node's storage: a downgrade may not go below it. */
    public KafkaVersion formattedBy(KafkaVersion whenNone) {
        // (a node an earlier operator recorded without its version counts for none)
        return formatted.values().stream().map(KafkaVersion::parse).flatMap(Optional::stream)
                .max(KafkaVersion::compareTo).orElse(whenNone);
    }

    /** Whether the internal listeners run mutual TLS for {@code cluster}: always when it is secured. */
    public boolean internalTls(DesiredCluster cluster) {
        return internalTls || cluster.secured();
    }

    /**
     * How {@code kafka-storage format} formats {@code node}: an initial controller with the quorum it
     * forms, every other node to join it; at the manifests' metadata.version when they set one.
     *
     * @param controlPlane a controller's address on the control-plane listener ({@code host:port})
     */
    public List<String> formatArgs(DesiredCluster cluster, DesiredNode node, Function<DesiredNode, String> controlPlane) {
        List<String> args = new ArrayList<>();
        if (node.isController() && initialControllers.contains(node.id())) {
            args.add("--initial-controllers");
            args.add(cluster.controllers().stream().filter(c -> initialControllers.contains(c.id()))
                    .map(c -> c.id() + "@" + controlPlane.apply(c) + ":" + directoryIds.get(c.id()))
                    .collect(Collectors.joining(",")));
        } else {
            args.add("--no-initial-controllers");
        }
        if (cluster.metadataVersion() != null) {
            args.add("--release-version");
            args.add(cluster.metadataVersion());
        }
        return args;
    }

    private static Set<Integer> controllerIds(DesiredCluster cluster) {
        return cluster.controllers().stream().map(DesiredNode::id).collect(Collectors.toSet());
    }

    private static String uuid(String name) {
        for (int attempt = 0; ; attempt++) {
            UUID u = UUID.nameUUIDFromBytes((name + (attempt == 0 ? "" : "#" + attempt)).getBytes(StandardCharsets.UTF_8));
            String id = new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits()).toString();
            // as Kafka's own random ids: never one a command line would take for an option
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}
