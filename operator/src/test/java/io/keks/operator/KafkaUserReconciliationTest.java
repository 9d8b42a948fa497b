package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.ManifestFiles;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserBuilder;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A KafkaUser's Secret on the mock API server: owned by the user, with the keys Strimzi's user
 * operator writes, kept across reconciliations. The Kafka here cannot be reached, which the user's
 * status says; the Secret is made all the same, so an application can mount it as soon as it exists.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KafkaUserReconciliationTest {
    static final String NS = "kafka";
    KubernetesClient client;
    KafkaUserReconciliation reconcile;

    @BeforeEach
    void seedCluster() throws Exception {
        var manifests = ManifestFiles.read(List.of(Path.of(System.getProperty("keks.install.dir", ".."), "examples", "kafka-manifests")));
        Kafka kafka = manifests.kafkas().get(0).resource();
        kafka.getMetadata().setNamespace(NS);
        client.resources(Kafka.class).inNamespace(NS).resource(kafka).create();
        for (var p : manifests.nodePools()) {
            p.resource().getMetadata().setNamespace(NS);
            client.resources(KafkaNodePool.class).inNamespace(NS).resource(p.resource()).create();
        }
        reconcile = new KafkaUserReconciliation(client, cluster -> {
            throw new IllegalStateException("no Kafka here");
        });
    }

    KafkaUser create(KafkaUser user) {
        return client.resources(KafkaUser.class).inNamespace(NS).resource(user).create();
    }

    static KafkaUserBuilder user(String name) {
        return new KafkaUserBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Map.of("strimzi.io/cluster", "cluster")).endMetadata();
    }

    Map<String, String> secret(String name) {
        Secret s = client.secrets().inNamespace(NS).withName(name).get();
        assertThat(s).as("Secret " + name).isNotNull();
        return s.getData();
    }

    static String text(Map<String, String> data, String key) {
        return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void aScramUsersSecretIsOwnedByItHoldsPasswordAndJaasConfigAndKeepsThePassword() {
        KafkaUser u = create(user("orders-app").withNewSpec().withNewKafkaUserScramSha512ClientAuthentication().endKafkaUserScramSha512ClientAuthentication()
                .withNewQuotas().withProducerByteRate(1024).endQuotas().endSpec().build());
        KafkaUserStatus status = reconcile.reconcile(u);
        assertThat(status.getUsername()).isEqualTo("orders-app");
        assertThat(status.getSecret()).isEqualTo("orders-app");
        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("KafkaError");
        });
        Secret s = client.secrets().inNamespace(NS).withName("orders-app").get();
        assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("KafkaUser");
            assertThat(o.getName()).isEqualTo("orders-app");
            assertThat(o.getUid()).isEqualTo(u.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(s.getData()).containsOnlyKeys("password", "sasl.jaas.config");
        String password = text(s.getData(), "password");
        assertThat(password).hasSize(32);
        assertThat(text(s.getData(), "sasl.jaas.config")).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"orders-app\" password=\"" + password + "\";");
        // a second reconciliation keeps the password: nothing rotates by accident
        reconcile.reconcile(client.resources(KafkaUser.class).inNamespace(NS).withName("orders-app").get());
        assertThat(text(secret("orders-app"), "password")).isEqualTo(password);
    }

    @Test
    void aGivenPasswordComesFromTheSecretTheUserNames() {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("analytics-password").endMetadata()
                .withData(Map.of("password", Base64.getEncoder().encodeToString("given-password-1".getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        KafkaUser u = create(user("analytics").withNewSpec().withNewKafkaUserScramSha512ClientAuthentication().withNewPassword()
                .withNewValueFrom().withNewSecretKeyRef("password", "analytics-password", false).endValueFrom().endPassword()
                .endKafkaUserScramSha512ClientAuthentication().endSpec().build());
        reconcile.reconcile(u);
        assertThat(text(secret("analytics"), "password")).isEqualTo("given-password-1");
    }

    @Test
    void aTlsUsersSecretHoldsItsCertificateFromTheClientsCaAsStrimziNamesTheKeys() throws Exception {
        KafkaUser u = create(user("payments-app").withNewSpec().withNewKafkaUserTlsClientAuthentication().endKafkaUserTlsClientAuthentication()
                .endSpec().build());
        KafkaUserStatus status = reconcile.reconcile(u);
        assertThat(status.getUsername()).isEqualTo("CN=payments-app");
        Map<String, String> data = secret("payments-app");
        assertThat(data).containsOnlyKeys("ca.crt", "user.crt", "user.key", "user.p12", "user.password");
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(
                text(secret("cluster-clients-ca-cert"), "ca.crt").getBytes(StandardCharsets.UTF_8)));
        assertThat(secret("cluster-clients-ca")).containsOnlyKeys("ca.key");
        X509Certificate cert = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(
                text(data, "user.crt").getBytes(StandardCharsets.UTF_8)));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=payments-app");
        cert.verify(ca.getPublicKey());
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(new ByteArrayInputStream(Base64.getDecoder().decode(data.get("user.p12"))), text(data, "user.password").toCharArray());
        assertThat(p12.getCertificate("payments-app")).isEqualTo(cert);
        // kept on the next reconciliation
        reconcile.reconcile(client.resources(KafkaUser.class).inNamespace(NS).withName("payments-app").get());
        assertThat(secret("payments-app").get("user.crt")).isEqualTo(data.get("user.crt"));

        // a certificate that ends within spec.clientsCa.renewalDays (30 by default) is issued again
        io.keks.engine.security.ClusterCa clients = io.keks.engine.security.ClusterCa.load(text(secret("cluster-clients-ca-cert"), "ca.crt"),
                text(secret("cluster-clients-ca"), "ca.key"));
        var ending = clients.issueUser("payments-app", java.time.Duration.ofDays(5), "pw".toCharArray());
        Secret had = client.secrets().inNamespace(NS).withName("payments-app").get();
        had.getData().put("user.crt", Base64.getEncoder().encodeToString(ending.certificatePem().getBytes(StandardCharsets.UTF_8)));
        client.secrets().inNamespace(NS).resource(had).update();
        reconcile.reconcile(client.resources(KafkaUser.class).inNamespace(NS).withName("payments-app").get());
        X509Certificate renewed = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(
                text(secret("payments-app"), "user.crt").getBytes(StandardCharsets.UTF_8)));
        assertThat(renewed.getSerialNumber()).isNotIn(cert.getSerialNumber(), io.keks.engine.security.Pem.certificate(ending.certificatePem()).getSerialNumber());
        assertThat(renewed.getNotAfter().getTime() - System.currentTimeMillis()).isGreaterThan(java.time.Duration.ofDays(300).toMillis());
        renewed.verify(ca.getPublicKey());

        // the clients CA's certificate ends within its renewal days: it is renewed (same key), and the user's
        // certificate, though not due, is issued again after it, as Strimzi's user operator does
        Secret caSecret = client.secrets().inNamespace(NS).withName("cluster-clients-ca-cert").get();
        caSecret.getData().put("ca.crt", Base64.getEncoder().encodeToString(clients.renewed(java.time.Duration.ofDays(10))
                .certificatePem().getBytes(StandardCharsets.UTF_8)));
        client.secrets().inNamespace(NS).resource(caSecret).update();
        reconcile.reconcile(client.resources(KafkaUser.class).inNamespace(NS).withName("payments-app").get());
        X509Certificate caNow = io.keks.engine.security.Pem.certificate(text(secret("cluster-clients-ca-cert"), "ca.crt"));
        assertThat(caNow.getNotAfter().getTime() - System.currentTimeMillis()).isGreaterThan(java.time.Duration.ofDays(300).toMillis());
        X509Certificate again = io.keks.engine.security.Pem.certificate(text(secret("payments-app"), "user.crt"));
        assertThat(again.getSerialNumber()).isNotEqualTo(renewed.getSerialNumber());
        again.verify(caNow.getPublicKey());
        assertThat(text(secret("payments-app"), "ca.crt")).isEqualTo(io.keks.engine.security.ClusterCa.pem(caNow));
    }

    @Test
    void aUserWithoutItsKafkaSaysSo() {
        KafkaUser u = create(new KafkaUserBuilder().withNewMetadata().withName("stray").withNamespace(NS)
                .withLabels(Map.of("strimzi.io/cluster", "other")).endMetadata().withNewSpec().endSpec().build());
        assertThat(reconcile.reconcile(u).getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("KafkaNotFound"));
        assertThat(client.secrets().inNamespace(NS).withName("stray").get()).isNull();
    }
}
