package io.keks.operator.resources;

import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.NodeAddressing;
import java.util.List;
import java.util.Optional;

/**
 * Nodes as pods: each reached by its pod's DNS name on the manifest's ports, listening on every
 * interface of the pod, its volumes mounted under /var/lib/kafka, its key store from its Secret.
 */
public record KubernetesAddressing(KafkaNames names, boolean tls) implements NodeAddressing {
    /** Where a node's Secret (key store and its password) is mounted. */
    public static final String CERTS_DIR = "/opt/kafka/keks/certs";
    /** Where a node's ConfigMap (server.properties) is mounted. */
    public static final String CONFIG_DIR = "/opt/kafka/keks/config";
    /** Kafka's config provider that reads each file of a directory as a value: the password never sits in a ConfigMap. */
    public static final String PASSWORD = "${dir:" + CERTS_DIR + ":keystore.password}";

    @Override
    public String host(DesiredNode node) {
        return names.host(node);
    }

    @Override
    public String bindHost(DesiredNode node) {
        return "0.0.0.0";
    }

    @Override
    public int port(DesiredNode node, ListenerSpec listener) {
        return listener.port();
    }

    @Override
    public List<String> volumeDirs(DesiredNode node) {
        return node.volumes().stream().map(v -> volumeDir(v.id())).toList();
    }

    public static String volumeDir(int volumeId) {
        return "/var/lib/kafka/data-" + volumeId;
    }

    @Override
    public Optional<KeyStoreFiles> keyStore(DesiredNode node) {
        return tls ? Optional.of(new KeyStoreFiles(CERTS_DIR + "/keystore.p12", PASSWORD)) : Optional.empty();
    }
}
