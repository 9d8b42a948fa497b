package io.keks.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The init container of a rack-aware broker: reads its Kubernetes node's topology label (say
 * topology.kubernetes.io/zone) and writes it where the broker's start script adds it as broker.rack.
 * Runs with the Kafka pods' service account, which may read nodes (ClusterRole keks-kafka-node-reader).
 */
public final class RackInit {
    private RackInit() {
    }

    /** Writes the node's label value to {@code out}; fails, naming the node and the label, when it has none. */
    public static String writeRack(KubernetesClient client, String nodeName, String topologyKey, Path out) throws IOException {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalStateException("KEKS_NODE_NAME is not set; the pod spec passes spec.nodeName in it");
        }
        Node node = client.nodes().withName(nodeName).get();
        if (node == null) {
            throw new IllegalStateException("Kubernetes node " + nodeName + " not found");
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        String rack = labels.get(topologyKey);
        if (rack == null || rack.isBlank()) {
            throw new IllegalStateException("Kubernetes node " + nodeName + " has no label " + topologyKey
                    + ", which spec.kafka.rack.topologyKey names; label the node or change the topology key");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, rack);
        return rack;
    }
}
