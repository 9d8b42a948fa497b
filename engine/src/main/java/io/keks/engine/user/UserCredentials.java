package io.keks.engine.user;

import io.keks.engine.security.ClientsCaStore;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.ClusterCertificates;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredUser;
import io.keks.model.SecretValue;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The credentials of KafkaUsers, settled the same way on every runtime before Kafka hears of them:
 * <ul>
 *   <li>a SCRAM user keeps its password; the one its Secret gives replaces it (a rotation), and one is
 *       generated when it has none;</li>
 *   <li>a TLS user gets a certificate from the clients CA when it has none, when the clients CA's
 *       certificate is another than the one it was issued under (renewed, or another CA: its chain is
 *       then the current one, as Strimzi's user operator does), or within {@code spec.clientsCa.renewalDays}
 *       of its end.</li>
 * </ul>
 *
 * @param passwords per SCRAM user, the password Kafka is to hold
 * @param changed   the SCRAM users whose credential Kafka must be told again
 * @param issued    per TLS user issued a certificate now, why
 */
public record UserCredentials(Map<String, SecretValue> passwords, Set<String> changed, Map<String, String> issued) {

    /**
     * @param rewrite users whose credential Kafka may not hold (their last reconciliation failed): told again
     */
    public static UserCredentials settle(Iterable<DesiredUser> users, DesiredCluster cluster, CredentialStore store,
                                         ClientsCaStore clientsCa, Set<String> rewrite, Consumer<String> progress) throws IOException {
        Map<String, SecretValue> passwords = new LinkedHashMap<>();
        Set<String> changed = new TreeSet<>();
        Map<String, String> issued = new TreeMap<>();
        ClusterCa ca = null;
        for (DesiredUser u : users) {
            if (DesiredUser.SCRAM.equals(u.authentication())) {
                Optional<SecretValue> stored = store.password(u.name());
                SecretValue want = u.givenPassword() != null ? u.givenPassword()
                        : stored.orElseGet(() -> new SecretValue(Passwords.generate()));
                if (stored.isEmpty() || !stored.get().reveal().equals(want.reveal())) {
                    store.savePassword(u, want);
                    changed.add(u.name());
                }
                if (rewrite.contains(u.name())) {
                    changed.add(u.name());
                }
                passwords.put(u.name(), want);
            } else if (DesiredUser.TLS.equals(u.authentication())) {
                if (ca == null) {
                    ClusterCertificates.settleClientsCa(cluster, clientsCa, progress);
                    ca = clientsCa.clientsCa();
                }
                Optional<String> why = certificateDue(store.certificate(u.name()), ca.certificatePem(), cluster.clientsCa(),
                        System.currentTimeMillis());
                if (why.isPresent()) {
                    String password = Passwords.generate();
                    store.saveCertificate(u, ca.issueUser(u.name(), Duration.ofDays(cluster.clientsCa().validityDays()),
                            password.toCharArray()), password, ca);
                    issued.put(u.name(), why.get());
                }
            }
        }
        return new UserCredentials(passwords, changed, issued);
    }

    /** The JAAS config a Kafka client logs in as a SCRAM user with. */
    public static String scramJaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\";";
    }

    /** Why a TLS user's certificate is issued now; empty when it is kept. */
    public static Optional<String> certificateDue(Optional<CredentialStore.Issued> issued, String clientsCaPem, CaSpec spec, long now) {
        if (issued.isEmpty()) {
            return Optional.of("it has none");
        }
        if (!clientsCaPem.equals(issued.get().issuerPem())) {
            return Optional.of("the clients CA's certificate is another than the one it was issued under");
        }
        long notAfter = issued.get().certificate().getNotAfter().getTime();
        return spec.due(notAfter, now) ? Optional.of("it expires " + Instant.ofEpochMilli(notAfter)) : Optional.empty();
    }
}
