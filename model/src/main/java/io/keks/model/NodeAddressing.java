package io.keks.model;

import java.util.List;
import java.util.Optional;

/**
 * Where a runtime puts a node: its host, the port each listener gets and its directories.
 * The local runtime maps every node to 127.0.0.1 with shifted ports; Kubernetes gives each pod its own name.
 */
public interface NodeAddressing {

    /** The name other nodes and clients reach the node by. */
    String host(DesiredNode node);

    /** The address the node's listeners bind to: its host, unless the runtime puts it behind a name (a pod). */
    default String bindHost(DesiredNode node) {
        return host(node);
    }

    int port(DesiredNode node, ListenerSpec listener);

    /** Where Strimzi's metrics reporter inside the node serves (spec.kafka.metricsConfig of type strimziMetricsReporter). */
    default String metricsListener(DesiredNode node) {
        return "http://:" + MetricsSpec.PORT;
    }

    /** The directory of each volume, in {@link DesiredNode#volumes()} order. */
    List<String> volumeDirs(DesiredNode node);

    /** Key store for the node's TLS listeners, when the cluster has any; every node has one in a secured cluster. */
    Optional<KeyStoreFiles> keyStore(DesiredNode node);

    /**
     * Trust store with the cluster CA, for the mutual TLS of the internal listeners: present where the
     * runtime runs them so (a {@linkplain DesiredCluster#secured() secured} cluster must have it), empty
     * where they are plaintext.
     */
    default Optional<KeyStoreFiles> trustStore(DesiredNode node) {
        return Optional.empty();
    }

    /** Trust store with the clients CA, for listeners with authentication tls; empty where the runtime has none yet. */
    default Optional<KeyStoreFiles> clientsTrustStore(DesiredNode node) {
        return Optional.empty();
    }

    /** A PKCS12 key store and its password. */
    record KeyStoreFiles(String path, String password) {
    }
}
