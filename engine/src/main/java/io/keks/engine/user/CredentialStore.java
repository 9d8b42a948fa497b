package io.keks.engine.user;

import io.keks.engine.security.ClusterCa;
import io.keks.model.DesiredUser;
import io.keks.model.SecretValue;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Where a runtime keeps KafkaUsers' credentials, as Strimzi's user Secret holds them: files readable by
 * their owner locally, the user's Secret on Kubernetes. {@link UserCredentials} decides what to make.
 */
public interface CredentialStore {
    /** A SCRAM user's password, as last kept. */
    Optional<SecretValue> password(String user) throws IOException;

    void savePassword(DesiredUser user, SecretValue password) throws IOException;

    /**
     * A TLS user's certificate as last kept, with the clients CA certificate it was issued under.
     *
     * @param issuerPem the clients CA's certificate when it was issued, as PEM; null when not kept
     */
    record Issued(X509Certificate certificate, String issuerPem) {
    }

    Optional<Issued> certificate(String user) throws IOException;

    /** Keeps a TLS user's new certificate, its key store (with {@code keyStorePassword}) and the clients CA that signed it. */
    void saveCertificate(DesiredUser user, ClusterCa.UserCertificate cert, String keyStorePassword, ClusterCa clientsCa) throws IOException;
}
