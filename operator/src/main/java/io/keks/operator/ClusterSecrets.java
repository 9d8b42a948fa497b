package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ServerProperties;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.ExporterObjects;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.NodeObjects;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fills the rendered Secrets with their values: the cluster CA (made once, then read back from its
 * Secrets); each node's key store, signed by it for the pod's DNS name and the bootstrap service,
 * with the common name every node shares (a super user in a secured cluster); the clients CA when a
 * listener asks clients for certificates; and the lag exporter's client certificate in a secured
 * cluster. Values that exist are kept, so a reconciliation never rotates a certificate by accident.
 * A certificate is issued again only when it must be:
 * <ul>
 *   <li>the cluster CA's certificate expires within {@code spec.clusterCa.renewalDays}: it is renewed
 *       for the same key (what it signed stays valid; the trust stores hold the old certificate too),
 *       and every node and the lag exporter get new certificates from it;</li>
 *   <li>a node's or the exporter's certificate expires within the renewal days;</li>
 *   <li>a node certificate from before the cluster was secured names the pod, not the shared super user;</li>
 *   <li>the clients CA's certificate expires within {@code spec.clientsCa.renewalDays}: renewed for the
 *       same key, so user certificates stay valid and brokers need no restart.</li>
 * </ul>
 * Each rendered pod carries the serial of the certificate its Secret holds ({@link NodeObjects#CERTIFICATE_SERIAL}):
 * a running pod with another serial restarts, in the safe order, to serve the new one.
 */
final class ClusterSecrets {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterSecrets.class);
    /** A node Secret's key: the node's certificate as PEM, public, read without the key store's password. */
    static final String NODE_CERTIFICATE = "certificate.pem";

    private ClusterSecrets() {
    }

    /** Fills the Secrets in {@code objects}; returns the ids of the nodes whose certificate was issued in this pass. */
    static Set<Integer> fill(KubernetesClient client, DesiredCluster cluster, List<HasMetadata> objects) {
        KafkaNames names = KafkaNames.of(cluster);
        Map<String, Secret> rendered = new LinkedHashMap<>();
        objects.stream().filter(o -> o instanceof Secret).map(o -> (Secret) o).forEach(s -> rendered.put(s.getMetadata().getName(), s));
        if (rendered.isEmpty()) {
            return Set.of();
        }
        long now = System.currentTimeMillis();
        CaSpec caSpec = cluster.clusterCa();
        Duration validity = Duration.ofDays(caSpec.validityDays());
        Secret caCert = existing(client, names, names.clusterCaCert());
        Secret caKey = existing(client, names, names.clusterCaKey());
        ClusterCa ca;
        boolean caExists = caCert != null && caKey != null && caCert.getData() != null && caCert.getData().containsKey("ca.crt");
        boolean caRenewed = false;
        if (caExists) {
            ca = ClusterCa.load(decode(caCert, "ca.crt"), decode(caKey, "ca.key"));
            rendered.get(names.clusterCaCert()).setData(caCert.getData());
            rendered.get(names.clusterCaKey()).setData(caKey.getData());
            if (caSpec.due(ca.notAfterMillis(), now)) {
                Map<String, String> certData = new LinkedHashMap<>(caCert.getData());
                ca = renew(ca, caSpec, certData, names, "cluster CA", "spec.clusterCa");
                rendered.get(names.clusterCaCert()).setData(certData);
                caRenewed = true;
            }
        } else {
            ca = ClusterCa.create(cluster.name(), validity);
            String password = ClusterCa.newPassword();
            set(rendered.get(names.clusterCaCert()), Map.of("ca.crt", bytes(ca.certificatePem()),
                    "ca.p12", ca.trustStore(password.toCharArray()), "ca.password", bytes(password)));
            set(rendered.get(names.clusterCaKey()), Map.of("ca.key", bytes(ca.keyPem())));
        }
        String commonName = ServerProperties.nodeCommonName(cluster);
        String principal = ServerProperties.internalPrincipal(cluster);
        Set<Integer> issued = new TreeSet<>();
        for (DesiredNode n : cluster.nodes()) {
            Secret node = rendered.get(names.pod(n));
            if (node == null) {
                continue;
            }
            Secret had = existing(client, names, names.pod(n));
            Optional<X509Certificate> current = caExists ? nodeCertificate(had) : Optional.empty();
            X509Certificate serving;
            if (current.isPresent() && !caRenewed && !caSpec.due(current.get().getNotAfter().getTime(), now)
                    && (!cluster.secured() || principal.equals(current.get().getSubjectX500Principal().getName()))) {
                Map<String, String> data = new LinkedHashMap<>(had.getData());
                data.putIfAbsent(NODE_CERTIFICATE, encode(bytes(ClusterCa.pem(current.get()))));
                node.setData(data);
                serving = current.get();
            } else {
                String pw = ClusterCa.newPassword();
                List<String> dns = List.of(names.host(n), names.pod(n), names.bootstrapService(),
                        names.bootstrapService() + "." + names.namespace() + ".svc");
                ClusterCa.ServerCertificate cert = ca.issueServer(commonName, dns, List.of(), validity, pw.toCharArray());
                set(node, Map.of("keystore.p12", cert.keyStore(), "keystore.password", bytes(pw),
                        NODE_CERTIFICATE, bytes(cert.certificatePem())));
                serving = cert.certificate();
                if (current.isPresent()) {
                    issued.add(n.id());
                }
            }
            String serial = serving.getSerialNumber().toString(16);
            objects.stream().filter(o -> o instanceof Pod && o.getMetadata().getName().equals(names.pod(n)))
                    .forEach(pod -> annotate(pod.getMetadata(), serial));
        }
        Secret clientsCert = rendered.get(names.clientsCaCert());
        if (clientsCert != null) {
            fillClientsCa(client, cluster, names, clientsCert, rendered.get(names.clientsCaKey()));
        }
        Secret exporter = rendered.get(names.exporterCerts());
        if (exporter != null) {
            Secret had = existing(client, names, names.exporterCerts());
            Optional<X509Certificate> current = caExists ? exporterCertificate(had) : Optional.empty();
            X509Certificate serving;
            if (current.isPresent() && !caRenewed && !caSpec.due(current.get().getNotAfter().getTime(), now)) {
                exporter.setData(had.getData());
                serving = current.get();
            } else {
                ClusterCa.UserCertificate cert = ca.issueComponent(ServerProperties.exporterCommonName(cluster), validity);
                set(exporter, Map.of(ExporterObjects.CLIENT_PROPERTIES, bytes(properties(ca.clientTlsProperties(cert)))));
                serving = firstCertificate(cert.certificatePem()).orElseThrow();
            }
            // a new certificate changes the pod template, so the Deployment starts a pod that reads it
            String serial = serving.getSerialNumber().toString(16);
            objects.stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(ExporterObjects.name(names)))
                    .forEach(d -> annotate(((Deployment) d).getSpec().getTemplate().getMetadata(), serial));
        }
        rendered.values().forEach(s -> s.getMetadata().getAnnotations().remove(ClusterObjects.VALUES_OMITTED));
        return issued;
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
            if (cluster.clientsCa().due(clients.notAfterMillis(), System.currentTimeMillis())) {
                // user certificates it signed stay valid, and brokers that trust the old certificate trust
                // what the new one signs, so no broker restarts
                clients = renew(clients, cluster.clientsCa(), certData, names, "clients CA", "spec.clientsCa");
            }
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

    /**
     * The CA with a new certificate for its key, valid for the spec's validityDays; {@code certData}
     * (a CA certificate Secret's data) gets it with the old certificate beside it in {@code ca.crt}
     * and {@code ca.p12} until the next renewal, so clients that kept the old one go on working.
     */
    private static ClusterCa renew(ClusterCa old, CaSpec spec, Map<String, String> certData, KafkaNames names, String what,
                                   String field) {
        ClusterCa ca = old.renewed(Duration.ofDays(spec.validityDays()));
        String password = certData.containsKey("ca.password")
                ? new String(Base64.getDecoder().decode(certData.get("ca.password")), StandardCharsets.UTF_8) : ClusterCa.newPassword();
        certData.put("ca.crt", encode(bytes(ca.certificatePem() + old.certificatePem())));
        certData.put("ca.p12", encode(ca.trustStore(password.toCharArray(), List.of(old.certificate()))));
        certData.put("ca.password", encode(bytes(password)));
        LOG.info("Kafka {}/{}: the {}'s certificate expired within {}.renewalDays ({}); renewed until {}", names.namespace(),
                names.cluster(), what, field, spec.renewalDays(), Instant.ofEpochMilli(ca.notAfterMillis()));
        return ca;
    }

    /**
     * The certificate in a node Secret: its PEM copy, or, in a Secret made before the copy existed,
     * read from the key store. Empty when there is none or it cannot be read (then a new one is issued).
     */
    private static Optional<X509Certificate> nodeCertificate(Secret nodeSecret) {
        if (nodeSecret == null || nodeSecret.getData() == null || !nodeSecret.getData().containsKey("keystore.p12")) {
            return Optional.empty();
        }
        try {
            if (nodeSecret.getData().containsKey(NODE_CERTIFICATE)) {
                return Optional.of(Pem.certificate(decode(nodeSecret, NODE_CERTIFICATE)));
            }
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(nodeSecret.getData().get("keystore.p12"))),
                    decode(nodeSecret, "keystore.password").toCharArray());
            return Optional.of((X509Certificate) ks.getCertificate(ks.aliases().nextElement()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The lag exporter's certificate: the first of the key chain in its client properties. */
    private static Optional<X509Certificate> exporterCertificate(Secret exporterSecret) {
        if (exporterSecret == null || exporterSecret.getData() == null
                || !exporterSecret.getData().containsKey(ExporterObjects.CLIENT_PROPERTIES)) {
            return Optional.empty();
        }
        java.util.Properties p = new java.util.Properties();
        try {
            p.load(new java.io.StringReader(decode(exporterSecret, ExporterObjects.CLIENT_PROPERTIES)));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        return firstCertificate(p.getProperty("ssl.keystore.certificate.chain", ""));
    }

    private static Optional<X509Certificate> firstCertificate(String pem) {
        try {
            return Optional.of(Pem.certificate(pem));
        } catch (java.security.cert.CertificateException e) {
            return Optional.empty();
        }
    }

    private static void annotate(io.fabric8.kubernetes.api.model.ObjectMeta meta, String serial) {
        if (meta.getAnnotations() == null) {
            meta.setAnnotations(new LinkedHashMap<>());
        }
        meta.getAnnotations().put(NodeObjects.CERTIFICATE_SERIAL, serial);
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
