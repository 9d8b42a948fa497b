package io.keks.engine.security;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Where a runtime keeps the clients CA, which signs the certificates of KafkaUsers that log in with
 * TLS: part of the cluster's {@link CertificateStore}, and all a KafkaUser's credential needs of it.
 */
public interface ClientsCaStore {
    Optional<X509Certificate> clientsCaCertificate() throws IOException;

    /** The clients CA with its key, to sign with; it exists. */
    ClusterCa clientsCa() throws IOException;

    /** Keeps a new or renewed clients CA; a renewed one's {@code previous} certificate stays trusted beside it. */
    void saveClientsCa(ClusterCa ca, Optional<ClusterCa> previous) throws IOException;
}
