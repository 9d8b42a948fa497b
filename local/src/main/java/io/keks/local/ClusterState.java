package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What keks must remember about a local cluster between runs: identity, ports and which nodes
 * exist and are formatted. Everything else is derived from the manifests.
 *
 * @param portShift           added to every port, so a second cluster or a test can avoid busy ports
 * @param directoryIds        per node, the directory id of its metadata log dir (for --initial-controllers)
 * @param initialControllers  the controllers that formed the quorum; only these format with --initial-controllers
 * @param poolIds             node ids per pool, as a pool's status.nodeIds
 * @param formatted           nodes whose storage is formatted, with the Kafka version that did it
 * @param managedConfig       dynamic broker configs keks set live; removed when the manifest drops them
 * @param nodePools           the pool of every formatted node, kept until the node is deleted (a node the
 *                            pools scaled away keeps its name while it is drained)
 * @param internalTls         whether the internal listeners run mutual TLS even when the manifests ask for no
 *                            security: true for clusters made since keks did so; an older cluster keeps plaintext
 *                            there (switching a running quorum's protocol node by node would split it)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterState(String name, String namespace, String clusterId, int portShift, String kafkaVersion,
                           Map<Integer, String> directoryIds, Set<Integer> initialControllers,
                           Map<String, List<Integer>> poolIds, Map<Integer, String> formatted, long createdAt,
                           Set<String> managedConfig, Map<Integer, String> nodePools, Boolean internalTls) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClusterState {
        directoryIds = new TreeMap<>(directoryIds);
        initialControllers = new TreeSet<>(initialControllers);
        poolIds = new TreeMap<>(poolIds);
        formatted = new TreeMap<>(formatted);
        managedConfig = managedConfig == null ? new TreeSet<>() : new TreeSet<>(managedConfig);
        nodePools = nodePools == null ? new TreeMap<>() : new TreeMap<>(nodePools);
        internalTls = internalTls != null && internalTls;
    }

    public static ClusterState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ClusterState.class);
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    public ClusterState withPoolIds(Map<String, List<Integer>> ids) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, directoryIds, initialControllers,
                ids, formatted, createdAt, managedConfig, nodePools, internalTls);
    }

    public ClusterState withDirectoryIds(Map<Integer, String> ids) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, ids, initialControllers,
                poolIds, formatted, createdAt, managedConfig, nodePools, internalTls);
    }

    public ClusterState withInitialControllers(Set<Integer> ids) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, directoryIds, ids,
                poolIds, formatted, createdAt, managedConfig, nodePools, internalTls);
    }

    public ClusterState withManagedConfig(Set<String> keys) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, directoryIds, initialControllers,
                poolIds, formatted, createdAt, keys, nodePools, internalTls);
    }

    public ClusterState withNodePools(Map<Integer, String> pools) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, directoryIds, initialControllers,
                poolIds, formatted, createdAt, managedConfig, pools, internalTls);
    }

    public ClusterState withKafkaVersion(String version) {
        return new ClusterState(name, namespace, clusterId, portShift, version, directoryIds, initialControllers,
                poolIds, formatted, createdAt, managedConfig, nodePools, internalTls);
    }

    public ClusterState withFormatted(Map<Integer, String> nodes) {
        return new ClusterState(name, namespace, clusterId, portShift, kafkaVersion, directoryIds, initialControllers,
                poolIds, nodes, createdAt, managedConfig, nodePools, internalTls);
    }
}
