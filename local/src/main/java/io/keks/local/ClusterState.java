package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JacksonException;
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

    /**
     * The cluster's record; a file that is not one (truncated, edited, emptied) is refused with a
     * {@link DamagedFileException} naming it, since every later step depends on it.
     */
    public static ClusterState read(Path file) throws IOException {
        ClusterState st;
        try {
            st = JSON.readValue(file.toFile(), ClusterState.class);
        } catch (JacksonException e) {
            throw damaged(file, DamagedFileException.why(e));
        }
        if (st == null || st.name() == null || st.memory() == null || st.memory().clusterId() == null) {
            throw damaged(file, "its name or cluster id is missing");
        }
        return st;
    }

    private static DamagedFileException damaged(Path file, String why) {
        String cluster = file.getParent() == null ? "" : " " + file.getParent().getFileName();
        return new DamagedFileException(file, "keks' record of cluster" + cluster + ": its cluster id, node ids, ports and which"
                + " nodes are formatted, which keks needs to run, change or stop it", why, "restore the file from a backup (the nodes'"
                + " data is in nodes/ beside it, untouched); to give the cluster and its data up instead, `keks down --delete-data"
                + " --cluster" + cluster + "` removes it");
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
