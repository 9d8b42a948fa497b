package io.keks.operator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
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
import io.keks.engine.user.KafkaUserStatuses;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * One KafkaUser on Kubernetes: its Secret, named after it and owned by it (so deleting the user
 * deletes the Secret), with the keys Strimzi's user operator writes; then its credential, ACLs and
 * quotas in Kafka through the engine's {@link UserReconciler}. A Secret that exists keeps its
 * password or certificate: a reconciliation never rotates one by accident.
 */
final class KafkaUserReconcile {
    static final String CLUSTER_LABEL = "strimzi.io/cluster";

    private final KubernetesClient client;
    private final KafkaAccess access;

    KafkaUserReconcile(KubernetesClient client, KafkaAccess access) {
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
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, SecretValue> passwords = new LinkedHashMap<>();
        boolean newPassword = false;
        if (DesiredUser.SCRAM.equals(u.authentication())) {
            String kept = decoded(had, "password");
            String password = u.givenPassword() != null ? u.givenPassword().reveal() : kept != null ? kept : io.keks.engine.user.Passwords.generate();
            newPassword = !password.equals(kept);
            passwords.put(name, new SecretValue(password));
            data.put("password", encode(password));
            data.put("sasl.jaas.config", encode("org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + name + "\" password=\"" + password + "\";"));
        } else if (DesiredUser.TLS.equals(u.authentication())) {
            ClusterCa ca = clientsCa(kafka, desired);
            String caPem = ca.certificatePem();
            // issued again when the clients CA's certificate changed (renewed) or the user's own ends within spec.clientsCa.renewalDays
            if (had != null && had.getData() != null && had.getData().containsKey("user.p12") && caPem.equals(decoded(had, "ca.crt"))
                    && !userCertificateDue(decoded(had, "user.crt"), desired)) {
                data.putAll(had.getData());
            } else {
                String pw = io.keks.engine.user.Passwords.generate();
                ClusterCa.UserCertificate cert = ca.issueUser(name, Duration.ofDays(desired.clientsCa().validityDays()), pw.toCharArray());
                data.put("ca.crt", encode(caPem));
                data.put("user.crt", encode(cert.certificatePem()));
                data.put("user.key", encode(cert.keyPem()));
                data.put("user.p12", Base64.getEncoder().encodeToString(cert.keyStore()));
                data.put("user.password", encode(pw));
            }
        }
        if (!data.isEmpty()) {
            new ObjectApplier(client).apply(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .withLabels(Map.of(CLUSTER_LABEL, cluster, "strimzi.io/kind", "KafkaUser", "app.kubernetes.io/managed-by", "keks"))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(user.getApiVersion()).withKind(user.getKind())
                            .withName(name).withUid(user.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build())
                    .endMetadata().withType("Opaque").withData(data).build());
        }
        // a credential the last reconciliation did not get into Kafka is written again
        boolean lastFailed = user.getStatus() == null || user.getStatus().getConditions() == null
                || user.getStatus().getConditions().stream().noneMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        try (Admin admin = access.admin(desired)) {
            UserReconciler.Result r = new UserReconciler(admin, 30_000).reconcile(List.of(u), passwords,
                    newPassword || lastFailed ? Set.of(name) : Set.of());
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

    private static boolean userCertificateDue(String userPem, DesiredCluster desired) {
        if (userPem == null) {
            return true;
        }
        try {
            return desired.clientsCa().due(io.keks.engine.security.Pem.certificate(userPem).getNotAfter().getTime(), System.currentTimeMillis());
        } catch (java.security.cert.CertificateException e) {
            return true;
        }
    }

    /**
     * The clients CA, from the Secrets Strimzi names {@code <cluster>-clients-ca-cert} (certificate)
     * and {@code <cluster>-clients-ca} (key), made and stored, owned by the Kafka, when they do not exist.
     */
    private ClusterCa clientsCa(Kafka kafka, DesiredCluster desired) {
        String ns = kafka.getMetadata().getNamespace();
        String certName = kafka.getMetadata().getName() + "-clients-ca-cert";
        String keyName = kafka.getMetadata().getName() + "-clients-ca";
        Secret cert = client.secrets().inNamespace(ns).withName(certName).get();
        Secret key = client.secrets().inNamespace(ns).withName(keyName).get();
        if (decoded(cert, "ca.crt") != null && decoded(key, "ca.key") != null) {
            return ClusterCa.load(decoded(cert, "ca.crt"), decoded(key, "ca.key"));
        }
        ClusterCa ca = ClusterCa.createClientsCa(desired.name(), Duration.ofDays(desired.clientsCa().validityDays()));
        var owner = new OwnerReferenceBuilder().withApiVersion(kafka.getApiVersion()).withKind(kafka.getKind())
                .withName(kafka.getMetadata().getName()).withUid(kafka.getMetadata().getUid()).withController(false)
                .withBlockOwnerDeletion(false).build();
        Map<String, String> labels = Map.of(CLUSTER_LABEL, desired.name(), "app.kubernetes.io/managed-by", "keks");
        ObjectApplier applier = new ObjectApplier(client);
        applier.apply(new SecretBuilder().withNewMetadata().withName(keyName).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(owner).endMetadata().withType("Opaque").withData(Map.of("ca.key", encode(ca.keyPem()))).build());
        applier.apply(new SecretBuilder().withNewMetadata().withName(certName).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(owner).endMetadata().withType("Opaque").withData(Map.of("ca.crt", encode(ca.certificatePem()))).build());
        return ca;
    }

    private static KafkaUserStatus status(KafkaUser user, DesiredUser u, String reason, String message) {
        return KafkaUserStatuses.of(user, u == null ? null : u.username(), u == null ? null : u.authentication(), reason, message,
                java.time.Instant.now());
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

}
