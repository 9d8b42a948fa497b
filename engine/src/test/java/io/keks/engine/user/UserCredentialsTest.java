package io.keks.engine.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.security.ClientsCaStore;
import io.keks.engine.security.ClusterCa;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredUser;
import io.keks.model.KafkaVersion;
import io.keks.model.SecretValue;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How KafkaUsers' credentials are settled, the same for files and Secrets (here kept in memory). */
class UserCredentialsTest {
    /** Credentials and the clients CA kept in maps, as a store keeps them in files or Secrets. */
    static final class Memory implements CredentialStore, ClientsCaStore {
        final Map<String, SecretValue> passwords = new HashMap<>();
        final Map<String, Issued> certificates = new HashMap<>();
        ClusterCa clients;

        @Override
        public Optional<SecretValue> password(String user) {
            return Optional.ofNullable(passwords.get(user));
        }

        @Override
        public void savePassword(DesiredUser user, SecretValue password) {
            passwords.put(user.name(), password);
        }

        @Override
        public Optional<Issued> certificate(String user) {
            return Optional.ofNullable(certificates.get(user));
        }

        @Override
        public void saveCertificate(DesiredUser user, ClusterCa.UserCertificate cert, String keyStorePassword, ClusterCa ca)
                throws java.io.IOException {
            try {
                certificates.put(user.name(), new Issued(io.keks.engine.security.Pem.certificate(cert.certificatePem()), ca.certificatePem()));
            } catch (java.security.cert.CertificateException e) {
                throw new java.io.IOException(e);
            }
        }

        @Override
        public Optional<X509Certificate> clientsCaCertificate() {
            return Optional.ofNullable(clients).map(ClusterCa::certificate);
        }

        @Override
        public ClusterCa clientsCa() {
            return clients;
        }

        @Override
        public void saveClientsCa(ClusterCa ca, Optional<ClusterCa> previous) {
            clients = ca;
        }
    }

    static DesiredUser user(String name, String authentication, String given) {
        return new DesiredUser(name, authentication, given == null ? null : new SecretValue(given), List.of(), null);
    }

    static DesiredCluster cluster(List<DesiredUser> users) {
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse("4.4.0").orElseThrow(), null, List.of(), Map.of(), List.of(),
                List.of(), Map.of(), null, null, null, null, users, CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    @Test
    void aScramUserKeepsItsPasswordAGivenOneRotatesItAndAFailedOneIsToldAgain() throws Exception {
        Memory m = new Memory();
        DesiredUser app = user("app", DesiredUser.SCRAM, null);
        UserCredentials first = UserCredentials.settle(List.of(app), cluster(List.of(app)), m, m, Set.of(), s -> { });
        assertThat(first.changed()).containsExactly("app");
        String generated = first.passwords().get("app").reveal();
        assertThat(generated).hasSizeGreaterThanOrEqualTo(20);

        UserCredentials again = UserCredentials.settle(List.of(app), cluster(List.of(app)), m, m, Set.of(), s -> { });
        assertThat(again.changed()).isEmpty();
        assertThat(again.passwords().get("app").reveal()).isEqualTo(generated);
        assertThat(UserCredentials.settle(List.of(app), cluster(List.of(app)), m, m, Set.of("app"), s -> { }).changed())
                .as("the last reconciliation failed: Kafka is told again").containsExactly("app");

        DesiredUser given = user("app", DesiredUser.SCRAM, "from-the-secret");
        UserCredentials rotated = UserCredentials.settle(List.of(given), cluster(List.of(given)), m, m, Set.of(), s -> { });
        assertThat(rotated.changed()).containsExactly("app");
        assertThat(m.passwords.get("app").reveal()).isEqualTo("from-the-secret");
    }

    @Test
    void aTlsUserIsIssuedOnceAndAgainWhenTheClientsCaCertificateChangesOrItsOwnIsDue() throws Exception {
        Memory m = new Memory();
        DesiredUser app = user("payments", DesiredUser.TLS, null);
        DesiredCluster c = cluster(List.of(app));
        UserCredentials first = UserCredentials.settle(List.of(app), c, m, m, Set.of(), s -> { });
        assertThat(m.clients).as("the clients CA is made for the first TLS user").isNotNull();
        assertThat(first.issued()).containsEntry("payments", "it has none");
        X509Certificate issued = m.certificates.get("payments").certificate();
        issued.verify(m.clients.certificate().getPublicKey());
        assertThat(UserCredentials.settle(List.of(app), c, m, m, Set.of(), s -> { }).issued()).isEmpty();

        m.clients = m.clients.renewed(Duration.ofDays(365));
        UserCredentials renewed = UserCredentials.settle(List.of(app), c, m, m, Set.of(), s -> { });
        assertThat(renewed.issued()).containsEntry("payments", "the clients CA's certificate is another than the one it was issued under");

        var ending = m.clients.issueUser("payments", Duration.ofDays(5), "pw".toCharArray());
        m.certificates.put("payments", new CredentialStore.Issued(io.keks.engine.security.Pem.certificate(ending.certificatePem()),
                m.clients.certificatePem()));
        assertThat(UserCredentials.settle(List.of(app), c, m, m, Set.of(), s -> { }).issued().get("payments")).startsWith("it expires ");
    }
}
