package io.keks.operator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.keks.engine.user.CredentialStore;
import io.keks.engine.user.KafkaUserStatuses;
import io.keks.engine.user.UserCredentials;
import io.keks.engine.user.UserReconciler;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredUser;
import io.keks.model.SecretValue;
import io.keks.model.manifest.ManifestException;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KafkaUser on Kubernetes: its Secret, named after it and owned by it (so deleting the user
 * deletes the Secret), with the keys Strimzi's user operator writes; then its credential, ACLs and
 * quotas in Kafka through the engine's {@link UserReconciler}. A Secret that exists keeps its
 * password or certificate: a reconciliation never rotates one by accident.
 */
final class KafkaUserReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaUserReconciliation.class);
    static final String CLUSTER_LABEL = "strimzi.io/cluster";

    private final KubernetesClient client;
    private final KafkaAccess access;

    KafkaUserReconciliation(KubernetesClient client, KafkaAccess access) {
        this.client = client;
        this.access = access;
    }

    KafkaUserStatus reconcile(KafkaUser user) {
        String ns = user.getMetadata().getNamespace();
        String name = user.getMetadata().getName();
        String cluster = user.getMetadata().getLabels() == null ? null : user.getMetadata().getLabels().get(CLUSTER_LABEL);
        if (cluster == null) {
            return status(user, null, "InvalidResource", "KafkaUser " + name + " has no " + CLUSTER_LABEL
                    + " label; add the name of its Kafka under metadata.labels");
        }
        Kafka kafka = client.resources(Kafka.class).inNamespace(ns).withName(cluster).get();
        if (kafka == null) {
            return status(user, null, "KafkaNotFound", "no Kafka " + cluster + " in namespace " + ns + "; the label "
                    + CLUSTER_LABEL + " names the Kafka the user belongs to");
        }
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel(CLUSTER_LABEL, cluster)
                .list().getItems();
        DesiredCluster desired;
        try {
            desired = ClusterModel.build(CustomResources.withUser(kafka, pools, user, givenPasswordSecret(user)),
                    new ClusterModel.Options(Map.of(), Long.MAX_VALUE)).cluster();
        } catch (ManifestException e) {
            return status(user, null, "InvalidResource", CustomResources.message(e.problems()));
        }
        DesiredUser u = desired.users().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();

        Secret had = client.secrets().inNamespace(ns).withName(name).get();
        UserSecret secret = new UserSecret(had, u);
        // a credential the last reconciliation did not get into Kafka is written again
        boolean lastFailed = user.getStatus() == null || user.getStatus().getConditions() == null
                || user.getStatus().getConditions().stream().noneMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        UserCredentials credentials;
        try {
            credentials = UserCredentials.settle(List.of(u), desired, secret, new ClientsCaSecrets(client, kafka),
                    lastFailed ? Set.of(name) : Set.of(), line -> LOG.info("KafkaUser {}/{}: {}", ns, name, line));
        } catch (IOException e) {
            return status(user, u, "KafkaError", "cannot settle the credential: " + e.getMessage());
        }
        if (!secret.data().isEmpty()) {
            new ObjectApplier(client).apply(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .withLabels(Map.of(CLUSTER_LABEL, cluster, "strimzi.io/kind", "KafkaUser", "app.kubernetes.io/managed-by", "keks"))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(user.getApiVersion()).withKind(user.getKind())
                            .withName(name).withUid(user.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build())
                    .endMetadata().withType("Opaque").withData(secret.data()).build());
        }
        try (Admin admin = access.admin(desired)) {
            UserReconciler.Result r = new UserReconciler(admin, 30_000).reconcile(List.of(u), credentials.passwords(),
                    credentials.changed());
            UserReconciler.UserStatus s = r.statuses().get(0);
            return s.ready() ? status(user, u, null, null) : status(user, u, s.reason(), s.message());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return status(user, u, "KafkaError", "interrupted");
        } catch (RuntimeException e) {
            return status(user, u, "KafkaError", "cannot reach Kafka " + cluster + ": " + e.getMessage());
        }
    }

    /** Removes what Kafka holds for a deleted KafkaUser; its Secret goes with it (owner reference). True when done. */
    boolean delete(KafkaUser user) {
        String ns = user.getMetadata().getNamespace();
        String cluster = user.getMetadata().getLabels() == null ? null : user.getMetadata().getLabels().get(CLUSTER_LABEL);
        Kafka kafka = cluster == null ? null : client.resources(Kafka.class).inNamespace(ns).withName(cluster).get();
        if (kafka == null) {
            return true; // no Kafka, nothing in it to remove
        }
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel(CLUSTER_LABEL, cluster)
                .list().getItems();
        try (Admin admin = access.admin(ClusterModel.build(CustomResources.of(kafka, pools),
                new ClusterModel.Options(Map.of(), Long.MAX_VALUE)).cluster())) {
            new UserReconciler(admin, 30_000).remove(List.of(user.getMetadata().getName()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Optional<Secret> givenPasswordSecret(KafkaUser user) {
        if (user.getSpec() == null || !(user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication scram)
                || scram.getPassword() == null || scram.getPassword().getValueFrom() == null
                || scram.getPassword().getValueFrom().getSecretKeyRef() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(client.secrets().inNamespace(user.getMetadata().getNamespace())
                .withName(scram.getPassword().getValueFrom().getSecretKeyRef().getName()).get());
    }

    private static KafkaUserStatus status(KafkaUser user, DesiredUser u, String reason, String message) {
        return KafkaUserStatuses.of(user, u == null ? null : u.username(), u == null ? null : u.authentication(), reason, message,
                Instant.now());
    }

    private static String decoded(Secret s, String key) {
        if (s == null || s.getData() == null || !s.getData().containsKey(key)) {
            return null;
        }
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }


    /**
     * A KafkaUser's credential as its Secret holds it, with the keys Strimzi's user operator writes: for a
     * SCRAM user password and sasl.jaas.config, for a TLS user ca.crt, user.crt, user.key, user.p12 and
     * user.password. Keys of another authentication than the user's are dropped.
     */
    private static final class UserSecret implements CredentialStore {
        private static final List<String> SCRAM_KEYS = List.of("password", "sasl.jaas.config");
        private static final List<String> TLS_KEYS = List.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password");
        private final Map<String, String> data = new LinkedHashMap<>();

        UserSecret(Secret had, DesiredUser u) {
            List<String> keys = DesiredUser.SCRAM.equals(u.authentication()) ? SCRAM_KEYS
                    : DesiredUser.TLS.equals(u.authentication()) ? TLS_KEYS : List.of();
            if (had != null && had.getData() != null) {
                keys.stream().filter(had.getData()::containsKey).forEach(k -> data.put(k, had.getData().get(k)));
            }
        }

        Map<String, String> data() {
            return data;
        }

        @Override
        public Optional<SecretValue> password(String user) {
            return Optional.ofNullable(value("password")).map(SecretValue::new);
        }

        @Override
        public void savePassword(DesiredUser user, SecretValue password) {
            data.put("password", encode(password.reveal()));
            data.put("sasl.jaas.config", encode(UserCredentials.scramJaasConfig(user.name(), password.reveal())));
        }

        @Override
        public Optional<Issued> certificate(String user) {
            if (!data.containsKey("user.p12") || value("user.crt") == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Issued(Pem.certificate(value("user.crt")), value("ca.crt")));
            } catch (CertificateException e) {
                return Optional.empty();
            }
        }

        @Override
        public void saveCertificate(DesiredUser user, ClusterCa.UserCertificate cert, String keyStorePassword, ClusterCa clientsCa) {
            data.put("ca.crt", encode(clientsCa.certificatePem()));
            data.put("user.crt", encode(cert.certificatePem()));
            data.put("user.key", encode(cert.keyPem()));
            data.put("user.p12", Base64.getEncoder().encodeToString(cert.keyStore()));
            data.put("user.password", encode(keyStorePassword));
        }

        private String value(String key) {
            return data.containsKey(key) ? new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8) : null;
        }
    }
}
