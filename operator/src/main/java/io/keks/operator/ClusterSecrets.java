package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.KafkaNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the rendered Secrets with their values: the cluster CA (made once, then read back from its
 * Secrets) and each broker's key store, signed by it for the pod's DNS name and the bootstrap
 * service. Values that exist are kept, so a reconciliation never rotates a certificate by accident.
 */
final class ClusterSecrets {
    private static final Duration CA_VALIDITY = Duration.ofDays(365 * 5);
    private static final Duration NODE_VALIDITY = Duration.ofDays(365);

    private ClusterSecrets() {
    }

    static void fill(KubernetesClient client, DesiredCluster cluster, List<HasMetadata> objects) {
        KafkaNames names = KafkaNames.of(cluster);
        Map<String, Secret> rendered = new LinkedHashMap<>();
        objects.stream().filter(o -> o instanceof Secret).map(o -> (Secret) o).forEach(s -> rendered.put(s.getMetadata().getName(), s));
        if (rendered.isEmpty()) {
            return;
        }
        Secret caCert = existing(client, names, names.clusterCaCert());
        Secret caKey = existing(client, names, names.clusterCaKey());
        ClusterCa ca;
        boolean caExists = caCert != null && caKey != null && caCert.getData() != null && caCert.getData().containsKey("ca.crt");
        if (caExists) {
            ca = ClusterCa.load(decode(caCert, "ca.crt"), decode(caKey, "ca.key"));
            rendered.get(names.clusterCaCert()).setData(caCert.getData());
            rendered.get(names.clusterCaKey()).setData(caKey.getData());
        } else {
            ca = ClusterCa.create(cluster.name(), CA_VALIDITY);
            String password = ClusterCa.newPassword();
            set(rendered.get(names.clusterCaCert()), Map.of("ca.crt", bytes(ca.certificatePem()),
                    "ca.p12", ca.trustStore(password.toCharArray()), "ca.password", bytes(password)));
            set(rendered.get(names.clusterCaKey()), Map.of("ca.key", bytes(ca.keyPem())));
        }
        for (DesiredNode b : cluster.brokers()) {
            Secret node = rendered.get(names.pod(b));
            if (node == null) {
                continue;
            }
            Secret had = existing(client, names, names.pod(b));
            if (had != null && had.getData() != null && had.getData().containsKey("keystore.p12") && caExists) {
                node.setData(had.getData());
                continue;
            }
            String pw = ClusterCa.newPassword();
            List<String> dns = List.of(names.host(b), names.pod(b), names.bootstrapService(),
                    names.bootstrapService() + "." + names.namespace() + ".svc");
            set(node, Map.of("keystore.p12", ca.issueKeyStore(names.pod(b), dns, List.of(), NODE_VALIDITY, pw.toCharArray()),
                    "keystore.password", bytes(pw)));
        }
        rendered.values().forEach(s -> s.getMetadata().getAnnotations().remove(ClusterObjects.VALUES_OMITTED));
    }

    private static Secret existing(KubernetesClient client, KafkaNames names, String name) {
        return client.secrets().inNamespace(names.namespace()).withName(name).get();
    }

    private static void set(Secret s, Map<String, byte[]> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
        s.setData(data);
    }

    private static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
