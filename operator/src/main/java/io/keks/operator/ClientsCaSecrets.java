package io.keks.operator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClientsCaStore;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The clients CA in the Secrets Strimzi names {@code <cluster>-clients-ca-cert} (certificate, trust store)
 * and {@code <cluster>-clients-ca} (key), owned by the Kafka: what a KafkaUser's credential needs, since
 * users are reconciled on their own and may come before any listener asks for the CA.
 */
final class ClientsCaSecrets implements ClientsCaStore {
    private final KubernetesClient client;
    private final Kafka kafka;
    private final String certName;
    private final String keyName;

    ClientsCaSecrets(KubernetesClient client, Kafka kafka) {
        this.client = client;
        this.kafka = kafka;
        this.certName = kafka.getMetadata().getName() + "-clients-ca-cert";
        this.keyName = kafka.getMetadata().getName() + "-clients-ca";
    }

    @Override
    public Optional<X509Certificate> clientsCaCertificate() {
        String cert = value(certName, "ca.crt");
        if (cert == null || value(keyName, "ca.key") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.certificate(cert));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    @Override
    public ClusterCa clientsCa() {
        return ClusterCa.load(value(certName, "ca.crt"), value(keyName, "ca.key"));
    }

    @Override
    public void saveClientsCa(ClusterCa ca, Optional<ClusterCa> previous) {
        Secret had = secret(certName);
        Map<String, String> certData = SecretCertificateStore.caCertificateData(had == null || had.getData() == null ? Map.of()
                : had.getData(), ca, previous);
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion(kafka.getApiVersion()).withKind(kafka.getKind())
                .withName(kafka.getMetadata().getName()).withUid(kafka.getMetadata().getUid()).withController(false)
                .withBlockOwnerDeletion(false).build();
        Map<String, String> labels = Map.of(KafkaUserReconciliation.CLUSTER_LABEL, kafka.getMetadata().getName(),
                "app.kubernetes.io/managed-by", "keks");
        ObjectApplier applier = new ObjectApplier(client);
        // the key first: a certificate without its key counts as no CA, and is made again
        applier.apply(new SecretBuilder().withNewMetadata().withName(keyName).withNamespace(kafka.getMetadata().getNamespace())
                .withLabels(labels).withOwnerReferences(owner).endMetadata().withType("Opaque").withData(SecretCertificateStore.caKeyData(ca))
                .build());
        applier.apply(new SecretBuilder().withNewMetadata().withName(certName).withNamespace(kafka.getMetadata().getNamespace())
                .withLabels(labels).withOwnerReferences(owner).endMetadata().withType("Opaque").withData(certData).build());
    }

    private Secret secret(String name) {
        return client.secrets().inNamespace(kafka.getMetadata().getNamespace()).withName(name).get();
    }

    private String value(String secret, String key) {
        Secret s = secret(secret);
        return s == null || s.getData() == null || !s.getData().containsKey(key) ? null
                : new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }
}
