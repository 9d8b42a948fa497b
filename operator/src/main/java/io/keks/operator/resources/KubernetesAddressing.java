package io.keks.operator.resources;

import io.keks.engine.ClusterMemory;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.NodeAddressing;
import java.util.List;
import java.util.Optional;

/**
 * Nodes as pods: each reached by its pod's DNS name on the manifest's ports, listening on every
 * interface of the pod, its volumes mounted under /var/lib/kafka, its key store from its Secret, and
 * in a secured cluster the trust stores of the cluster CA (internal listeners) and of the clients CA
 * (listeners with authentication tls) from the CAs' certificate Secrets.
 *
 * @param tls         a listener uses TLS: brokers have key stores
 * @param internalTls the internal listeners run mutual TLS (every cluster made by this operator, and any secured
 *                    one): every node has a key store
 * @param clientsCa   a listener asks clients for a certificate of the clients CA
 */
public record KubernetesAddressing(KafkaNames names, boolean tls, boolean internalTls, boolean clientsCa) implements NodeAddressing {
    /** Where a node's Secret (key store and its password) is mounted. */
    public static final String CERTS_DIR = "/opt/kafka/keks/certs";
    /** Where the cluster CA's certificate Secret (ca.p12 and ca.password) is mounted. */
    public static final String CLUSTER_CA_DIR = "/opt/kafka/keks/cluster-ca";
    /** Where the clients CA's certificate Secret is mounted, on brokers. */
    public static final String CLIENTS_CA_DIR = "/opt/kafka/keks/clients-ca";
    /** Where a node's ConfigMap (server.properties) is mounted. */
    public static final String CONFIG_DIR = "/opt/kafka/keks/config";
    /** Kafka's config provider that reads each file of a directory as a value: the password never sits in a ConfigMap. */
    public static final String PASSWORD = "${dir:" + CERTS_DIR + ":keystore.password}";

    /** Internal mutual TLS when the cluster is secured or its identity says it was made with it. */
    public static KubernetesAddressing of(KafkaNames names, DesiredCluster cluster, ClusterMemory memory) {
        return new KubernetesAddressing(names, cluster.listeners().stream().anyMatch(ListenerSpec::tls),
                memory.internalTls(cluster), cluster.listeners().stream().anyMatch(ListenerSpec::mutualTls));
    }

    /** Whether {@code node} has a key store, and so a Secret of its own. */
    public boolean hasKeyStore(DesiredNode node) {
        return internalTls || (tls && node.isBroker());
    }

    /** Whether the nodes' config reads passwords through Kafka's directory config provider. */
    public boolean readsPasswords() {
        return tls || internalTls || clientsCa;
    }

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
        return hasKeyStore(node) ? Optional.of(new KeyStoreFiles(CERTS_DIR + "/keystore.p12", PASSWORD)) : Optional.empty();
    }

    @Override
    public Optional<KeyStoreFiles> trustStore(DesiredNode node) {
        return internalTls ? Optional.of(new KeyStoreFiles(CLUSTER_CA_DIR + "/ca.p12", "${dir:" + CLUSTER_CA_DIR + ":ca.password}"))
                : Optional.empty();
    }

    @Override
    public Optional<KeyStoreFiles> clientsTrustStore(DesiredNode node) {
        return clientsCa && node.isBroker()
                ? Optional.of(new KeyStoreFiles(CLIENTS_CA_DIR + "/ca.p12", "${dir:" + CLIENTS_CA_DIR + ":ca.password}"))
                : Optional.empty();
    }
}
