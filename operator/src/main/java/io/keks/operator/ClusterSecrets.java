package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ServerProperties;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.ExporterObjects;
import io.keks.operator.resources.KafkaNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the rendered Secrets with their values: the cluster CA (made once, then read back from its
 * Secrets); each node's key store, signed by it for the pod's DNS name and the bootstrap service,
 * with the common name every node shares (a super user in a secured cluster); the clients CA when a
 * listener asks clients for certificates; and the lag exporter's client certificate in a secured
 * cluster. Values that exist are kept, so a reconciliation never rotates a certificate by accident;
 * only a node certificate from before the cluster was secured, which names the pod rather than the
 * shared super user, is issued again.
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
        String commonName = ServerProperties.nodeCommonName(cluster);
        for (DesiredNode n : cluster.nodes()) {
            Secret node = rendered.get(names.pod(n));
            if (node == null) {
                continue;
            }
            Secret had = existing(client, names, names.pod(n));
            if (had != null && had.getData() != null && had.getData().containsKey("keystore.p12") && caExists
                    && (!cluster.secured() || commonName.equals(commonName(had)))) {
                node.setData(had.getData());
                continue;
            }
            String pw = ClusterCa.newPassword();
            List<String> dns = List.of(names.host(n), names.pod(n), names.bootstrapService(),
                    names.bootstrapService() + "." + names.namespace() + ".svc");
            set(node, Map.of("keystore.p12", ca.issueKeyStore(commonName, dns, List.of(), NODE_VALIDITY, pw.toCharArray()),
                    "keystore.password", bytes(pw)));
        }
        Secret clientsCert = rendered.get(names.clientsCaCert());
        if (clientsCert != null) {
            fillClientsCa(client, cluster, names, clientsCert, rendered.get(names.clientsCaKey()));
        }
        Secret exporter = rendered.get(names.exporterCerts());
        if (exporter != null) {
            Secret had = existing(client, names, names.exporterCerts());
            if (had != null && had.getData() != null && had.getData().containsKey(ExporterObjects.CLIENT_PROPERTIES) && caExists) {
                exporter.setData(had.getData());
            } else {
                ClusterCa.UserCertificate cert = ca.issueComponent(ServerProperties.exporterCommonName(cluster), NODE_VALIDITY);
                set(exporter, Map.of(ExporterObjects.CLIENT_PROPERTIES, bytes(properties(ca.clientTlsProperties(cert)))));
            }
        }
        rendered.values().forEach(s -> s.getMetadata().getAnnotations().remove(ClusterObjects.VALUES_OMITTED));
    }

    /**
     * The clients CA: kept when its Secrets exist (a KafkaUser with authentication tls may have made
     * them before any listener asked for certificates, without the brokers' trust store: that is added),
     * else made.
     */
    private static void fillClientsCa(KubernetesClient client, DesiredCluster cluster, KafkaNames names, Secret cert, Secret key) {
        Secret hadCert = existing(client, names, names.clientsCaCert());
        Secret hadKey = existing(client, names, names.clientsCaKey());
        ClusterCa clients;
        Map<String, String> certData = new LinkedHashMap<>();
        if (hadCert != null && hadKey != null && hadCert.getData() != null && hadCert.getData().containsKey("ca.crt")
                && hadKey.getData() != null && hadKey.getData().containsKey("ca.key")) {
            clients = ClusterCa.load(decode(hadCert, "ca.crt"), decode(hadKey, "ca.key"));
            certData.putAll(hadCert.getData());
            key.setData(hadKey.getData());
        } else {
            clients = ClusterCa.createClientsCa(cluster.name(), Duration.ofDays(cluster.clientsCa().validityDays()));
            certData.put("ca.crt", encode(bytes(clients.certificatePem())));
            set(key, Map.of("ca.key", bytes(clients.keyPem())));
        }
        if (!certData.containsKey("ca.p12") || !certData.containsKey("ca.password")) {
            String password = ClusterCa.newPassword();
            certData.put("ca.p12", encode(clients.trustStore(password.toCharArray())));
            certData.put("ca.password", encode(bytes(password)));
        }
        cert.setData(certData);
    }

    /** The common name of the certificate in a node Secret's key store; empty when it cannot be read. */
    private static String commonName(Secret nodeSecret) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(nodeSecret.getData().get("keystore.p12"))),
                    decode(nodeSecret, "keystore.password").toCharArray());
            var cert = (java.security.cert.X509Certificate) ks.getCertificate(ks.aliases().nextElement());
            return new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(r -> r.getType().equalsIgnoreCase("CN")).map(r -> r.getValue().toString()).findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static String properties(java.util.Properties p) {
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            p.store(out, "Kafka client properties of the consumer-lag exporter, written by the keks operator");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Secret existing(KubernetesClient client, KafkaNames names, String name) {
        return client.secrets().inNamespace(names.namespace()).withName(name).get();
    }

    private static void set(Secret s, Map<String, byte[]> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, encode(v)));
        s.setData(data);
    }

    private static String encode(byte[] v) {
        return Base64.getEncoder().encodeToString(v);
    }

    private static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
