package io.keks.engine.security;

import io.keks.model.DesiredNode;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where a runtime keeps a cluster's CAs and certificates: files beside the nodes locally, Secrets on
 * Kubernetes. The engine's {@link ClusterCertificates} decides what to make and when; the store knows
 * how it is kept, and the names a node is reached by. Certificates are read without the CAs' keys,
 * which are read only to sign.
 */
public interface CertificateStore extends ClientsCaStore {
    Optional<X509Certificate> clusterCaCertificate() throws IOException;

    /** The cluster CA with its key, to sign with; it exists. */
    ClusterCa clusterCa() throws IOException;

    /** Keeps a new or renewed cluster CA; a renewed one's {@code previous} certificate stays trusted beside it. */
    void saveClusterCa(ClusterCa ca, Optional<ClusterCa> previous) throws IOException;

    /** The certificate the node's key store holds now. */
    Optional<X509Certificate> nodeCertificate(DesiredNode node) throws IOException;

    /** Issues the node a key store signed by {@code ca} for the names it is reached by, with {@code commonName}. */
    void issueNode(DesiredNode node, ClusterCa ca, String commonName, Duration validity) throws IOException;

    /**
     * The certificates of keks' own components on this runtime, by name, each empty while it has none
     * (locally keks' own super user; on Kubernetes the lag exporter's, when it runs).
     */
    Map<String, Optional<X509Certificate>> components() throws IOException;

    void issueComponent(String component, ClusterCa ca, Duration validity) throws IOException;
}
