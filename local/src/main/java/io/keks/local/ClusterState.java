package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keks.engine.ClusterMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a local cluster keeps in its state.json between runs: the engine's {@link ClusterMemory} (its
 * fields side by side with these, as files written before it kept them) and what only a local
 * cluster has. Everything else is derived from the manifests.
 *
 * @param portShift  added to every port, so a second cluster or a test can avoid busy ports
 * @param poolIds    node ids per pool, as a pool's status.nodeIds
 * @param nodePools  the pool of every formatted node, kept until the node is deleted (a node the pools
 *                   scaled away keeps its name while it is drained)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterState(String name, String namespace, int portShift, String kafkaVersion,
                           Map<String, List<Integer>> poolIds, long createdAt, Map<Integer, String> nodePools,
                           @JsonUnwrapped ClusterMemory memory) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClusterState {
        poolIds = poolIds == null ? new TreeMap<>() : new TreeMap<>(poolIds);
        nodePools = nodePools == null ? new TreeMap<>() : new TreeMap<>(nodePools);
    }

    public static ClusterState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ClusterState.class);
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    public ClusterState withPoolIds(Map<String, List<Integer>> ids) {
        return new ClusterState(name, namespace, portShift, kafkaVersion, ids, createdAt, nodePools, memory);
    }

    public ClusterState withNodePools(Map<Integer, String> pools) {
        return new ClusterState(name, namespace, portShift, kafkaVersion, poolIds, createdAt, pools, memory);
    }

    public ClusterState withKafkaVersion(String version) {
        return new ClusterState(name, namespace, portShift, version, poolIds, createdAt, nodePools, memory);
    }

    public ClusterState withMemory(ClusterMemory m) {
        return new ClusterState(name, namespace, portShift, kafkaVersion, poolIds, createdAt, nodePools, m);
    }
}
