package io.keks.engine.change;

import io.keks.model.DesiredNode;
import io.keks.model.Role;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What exists of a cluster, as the runtime and Kafka report it: every node that has storage, with
 * the configuration and Kafka version it last started with, and the finalized metadata.version.
 * The counterpart of the desired cluster; {@link ClusterDelta} is the difference of the two.
 *
 * @param nodes                  by node id
 * @param finalizedMetadataLevel Kafka's finalized metadata.version feature level, empty when unknown
 * @param voters                 the controllers that vote in the metadata quorum, as Kafka says; empty when unknown
 */
public record ClusterImage(Map<Integer, Node> nodes, OptionalInt finalizedMetadataLevel, Set<Integer> voters) {

    public ClusterImage(Map<Integer, Node> nodes, OptionalInt finalizedMetadataLevel) {
        this(nodes, finalizedMetadataLevel, Set.of());
    }

    /**
     * One node that exists.
     *
     * @param runningConfig the server.properties it last started with
     * @param kafkaVersion  the Kafka version it last started with
     * @param certificate   the serial of the certificate it last started with; null when it has none or
     *                      the runtime cannot tell
     */
    public record Node(int id, String pool, Set<Role> roles, String rack, Map<String, String> runningConfig,
                       String kafkaVersion, String certificate) {
        public Node {
            roles = Set.copyOf(roles);
            runningConfig = Map.copyOf(runningConfig);
        }

        public Node(int id, String pool, Set<Role> roles, String rack, Map<String, String> runningConfig, String kafkaVersion) {
            this(id, pool, roles, rack, runningConfig, kafkaVersion, null);
        }

        public boolean isBroker() {
            return roles.contains(Role.BROKER);
        }

        public boolean isController() {
            return roles.contains(Role.CONTROLLER);
        }

        /** As a node description the runtime can act on (to stop and delete it); it has no volumes or heap. */
        public DesiredNode asDesiredNode() {
            return new DesiredNode(id, pool, roles, rack, List.of(), null);
        }
    }

    public ClusterImage {
        nodes = new TreeMap<>(nodes);
        voters = new TreeSet<>(voters);
    }
}
