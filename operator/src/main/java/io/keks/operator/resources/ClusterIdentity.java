package io.keks.operator.resources;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * What a cluster keeps for life and Kubernetes cannot derive from the manifests: the Kafka cluster
 * id, each node's metadata directory id, the controllers that formed the quorum (only they are
 * formatted with {@code --initial-controllers}; a later one joins as an observer), and whether its
 * internal listeners run mutual TLS whatever the manifests' security. Every cluster made by this
 * operator does; one made by an earlier one, whose identity has no such entry, keeps plaintext
 * inside unless it is secured (switching a running quorum's protocol pod by pod would split it).
 */
public record ClusterIdentity(String clusterId, Map<Integer, String> directoryIds, Set<Integer> initialControllers,
                              boolean internalTls) {

    public ClusterIdentity {
        directoryIds = new TreeMap<>(directoryIds);
        initialControllers = new TreeSet<>(initialControllers);
    }

    /** A new cluster's identity, random as Kafka's own tools make it. */
    public static ClusterIdentity random(DesiredCluster cluster) {
        return new ClusterIdentity(Uuid.randomUuid().toString(),
                cluster.nodes().stream().collect(Collectors.toMap(DesiredNode::id, n -> Uuid.randomUuid().toString())),
                controllerIds(cluster), true);
    }

    /**
     * The identity {@code keks render} shows: derived from the namespace and name, so rendering the same
     * manifests twice gives the same objects (a diff shows only what changed).
     */
    public static ClusterIdentity derived(DesiredCluster cluster) {
        String base = cluster.namespace() + "/" + cluster.name();
        return new ClusterIdentity(uuid(base), cluster.nodes().stream()
                .collect(Collectors.toMap(DesiredNode::id, n -> uuid(base + "/" + n.id()))), controllerIds(cluster), true);
    }

    /** Nodes new to the cluster get directory ids; the initial controllers never change. */
    public ClusterIdentity withNodes(DesiredCluster cluster) {
        Map<Integer, String> ids = new TreeMap<>(directoryIds);
        cluster.nodes().forEach(n -> ids.computeIfAbsent(n.id(), id -> Uuid.randomUuid().toString()));
        return new ClusterIdentity(clusterId, ids, initialControllers, internalTls);
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
