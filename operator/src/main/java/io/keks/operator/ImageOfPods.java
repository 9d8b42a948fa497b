package io.keks.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.config.ConfigModes;
import io.keks.model.Role;
import io.keks.operator.resources.NodeObjects;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;

/** What exists of a cluster on Kubernetes: its pods, each with the config and Kafka version it was created with. */
final class ImageOfPods {
    private ImageOfPods() {
    }

    /**
     * @param servedBefore per node, the serial of the certificate its Secret held before this reconciliation:
     *                     what a pod from before pods carried their serial started with
     * @param voters       the metadata quorum's voters as Kafka says (empty when unknown)
     */
    static ClusterImage of(List<Pod> pods, OptionalInt finalizedMetadataLevel, Map<Integer, String> servedBefore, Set<Integer> voters) {
        Map<Integer, ClusterImage.Node> nodes = new TreeMap<>();
        for (Pod p : pods) {
            Map<String, String> labels = p.getMetadata().getLabels();
            String name = p.getMetadata().getName();
            int id = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
            Set<Role> roles = EnumSet.noneOf(Role.class);
            if ("true".equals(labels.get("strimzi.io/broker-role"))) {
                roles.add(Role.BROKER);
            }
            if ("true".equals(labels.get("strimzi.io/controller-role"))) {
                roles.add(Role.CONTROLLER);
            }
            Map<String, String> annotations = p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
            nodes.put(id, new ClusterImage.Node(id, labels.get("strimzi.io/pool-name"), roles, null,
                    properties(annotations.getOrDefault(NodeObjects.STARTED_CONFIG, "")),
                    annotations.getOrDefault(NodeObjects.KAFKA_VERSION, ""),
                    annotations.getOrDefault(NodeObjects.CERTIFICATE_SERIAL, servedBefore.get(id))));
        }
        return new ClusterImage(nodes, finalizedMetadataLevel, voters);
    }

    static Map<String, String> properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /**
     * Which broker configs Kafka changes live, as the running brokers say (describeConfigs marks every
     * config it cannot change at runtime read-only): the operator has no Kafka jars to ask.
     */
    static ConfigModes configModes(Admin admin, int brokerId, String kafkaVersion) throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(brokerId));
        Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        Map<String, String> modes = new TreeMap<>();
        config.entries().forEach(e -> modes.put(e.name(), e.isReadOnly() ? "read-only" : "cluster-wide"));
        return ConfigModes.fromUpdateModes(kafkaVersion, modes);
    }
}
