package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.CertificateStore;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ServerProperties;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.ExporterObjects;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.NodeObjects;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A cluster's CAs and certificates in its Secrets, as the engine's {@code ClusterCertificates} asks for
 * them. It works on the Secrets rendered for this reconciliation: each starts with the values its
 * Secret already holds (so nothing is rotated by accident), and what the engine makes replaces them;
 * the applier then writes them.
 * <ul>
 *   <li>{@code NAME-cluster-ca-cert} (ca.crt, ca.p12, ca.password) and {@code NAME-cluster-ca} (ca.key); after a
 *       renewal the old certificate stays beside the new one in ca.crt and ca.p12;</li>
 *   <li>the clients CA's pair, likewise;</li>
 *   <li>a Secret per node (keystore.p12, keystore.password, and certificate.pem, public);</li>
 *   <li>the lag exporter's client properties (component {@value #EXPORTER}).</li>
 * </ul>
 */
final class SecretCertificateStore implements CertificateStore {
    /** A node Secret's key: the node's certificate as PEM, public, read without the key store's password. */
    static final String NODE_CERTIFICATE = "certificate.pem";
    static final String EXPORTER = "lag-exporter";
    private final DesiredCluster cluster;
    private final KafkaNames names;
    private final Map<String, Secret> rendered = new LinkedHashMap<>();

    SecretCertificateStore(KubernetesClient client, DesiredCluster cluster, List<HasMetadata> objects) {
        this.cluster = cluster;
        this.names = KafkaNames.of(cluster);
        objects.stream().filter(o -> o instanceof Secret).map(o -> (Secret) o).forEach(s -> {
            rendered.put(s.getMetadata().getName(), s);
            Secret had = client.secrets().inNamespace(names.namespace()).withName(s.getMetadata().getName()).get();
            s.setData(had == null || had.getData() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(had.getData()));
            s.getMetadata().getAnnotations().remove(ClusterObjects.VALUES_OMITTED);
        });
        // a KafkaUser with authentication tls may have made the clients CA before any listener asked for
        // certificates, without the brokers' trust store: that is added
        Secret clients = rendered.get(names.clientsCaCert());
        if (clientsCaCertificate().isPresent() && !clients.getData().containsKey("ca.p12")) {
            String password = ClusterCa.newPassword();
            clients.getData().put("ca.p12", encode(clientsCa().trustStore(password.toCharArray())));
            clients.getData().put("ca.password", encode(bytes(password)));
        }
    }

    @Override
    public Optional<X509Certificate> clusterCaCertificate() {
        return caCertificate(names.clusterCaCert(), names.clusterCaKey());
    }

    @Override
    public ClusterCa clusterCa() {
        return ClusterCa.load(decode(rendered.get(names.clusterCaCert()), "ca.crt"), decode(rendered.get(names.clusterCaKey()), "ca.key"));
    }

    @Override
    public void saveClusterCa(ClusterCa ca, Optional<ClusterCa> previous) {
        saveCa(names.clusterCaCert(), names.clusterCaKey(), ca, previous);
    }

    @Override
    public Optional<X509Certificate> clientsCaCertificate() {
        return caCertificate(names.clientsCaCert(), names.clientsCaKey());
    }

    @Override
    public ClusterCa clientsCa() {
        return ClusterCa.load(decode(rendered.get(names.clientsCaCert()), "ca.crt"), decode(rendered.get(names.clientsCaKey()), "ca.key"));
    }

    @Override
    public void saveClientsCa(ClusterCa ca, Optional<ClusterCa> previous) {
        saveCa(names.clientsCaCert(), names.clientsCaKey(), ca, previous);
    }

    private Optional<X509Certificate> caCertificate(String certName, String keyName) {
        Secret cert = rendered.get(certName);
        Secret key = rendered.get(keyName);
        if (cert == null || key == null || !cert.getData().containsKey("ca.crt") || !key.getData().containsKey("ca.key")) {
            return Optional.empty();
        }
        return certificate(decode(cert, "ca.crt"));
    }

    private void saveCa(String certName, String keyName, ClusterCa ca, Optional<ClusterCa> previous) {
        rendered.get(certName).setData(caCertificateData(rendered.get(certName).getData(), ca, previous));
        rendered.get(keyName).setData(caKeyData(ca));
    }

    /**
     * A CA certificate Secret's data: ca.crt (with a renewed CA's previous certificate beside it), and
     * its trust store ca.p12 with ca.password. The trust store keeps its password across renewals: pods
     * read it from the Secret.
     */
    static Map<String, String> caCertificateData(Map<String, String> existing, ClusterCa ca, Optional<ClusterCa> previous) {
        Map<String, String> data = new LinkedHashMap<>(existing);
        String password = existing.containsKey("ca.password") && previous.isPresent()
                ? new String(Base64.getDecoder().decode(existing.get("ca.password")), StandardCharsets.UTF_8) : ClusterCa.newPassword();
        data.put("ca.crt", encode(bytes(ca.certificatePem() + previous.map(ClusterCa::certificatePem).orElse(""))));
        data.put("ca.p12", encode(ca.trustStore(password.toCharArray(), previous.map(p -> List.of(p.certificate())).orElse(List.of()))));
        data.put("ca.password", encode(bytes(password)));
        return data;
    }

    static Map<String, String> caKeyData(ClusterCa ca) {
        return new LinkedHashMap<>(Map.of("ca.key", encode(bytes(ca.keyPem()))));
    }

    /** From its PEM copy, or, in a Secret made before the copy existed, from the key store (and the copy is added). */
    @Override
    public Optional<X509Certificate> nodeCertificate(DesiredNode node) {
        Secret s = rendered.get(names.pod(node));
        if (s == null || !s.getData().containsKey("keystore.p12")) {
            return Optional.empty();
        }
        if (s.getData().containsKey(NODE_CERTIFICATE)) {
            return certificate(decode(s, NODE_CERTIFICATE));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Base64.getDecoder().decode(s.getData().get("keystore.p12"))),
                    decode(s, "keystore.password").toCharArray());
            X509Certificate cert = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
            s.getData().put(NODE_CERTIFICATE, encode(bytes(ClusterCa.pem(cert))));
            return Optional.of(cert);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void issueNode(DesiredNode node, ClusterCa ca, String commonName, Duration validity) {
        String password = ClusterCa.newPassword();
        List<String> dns = List.of(names.host(node), names.pod(node), names.bootstrapService(),
                names.bootstrapService() + "." + names.namespace() + ".svc");
        ClusterCa.ServerCertificate cert = ca.issueServer(commonName, dns, List.of(), validity, password.toCharArray());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("keystore.p12", encode(cert.keyStore()));
        data.put("keystore.password", encode(bytes(password)));
        data.put(NODE_CERTIFICATE, encode(bytes(cert.certificatePem())));
        rendered.get(names.pod(node)).setData(data);
    }

    /** The lag exporter's, when it runs with a certificate of its own: the first of the key chain in its client properties. */
    @Override
    public Map<String, Optional<X509Certificate>> components() {
        Secret s = rendered.get(names.exporterCerts());
        if (s == null) {
            return Map.of();
        }
        if (!s.getData().containsKey(ExporterObjects.CLIENT_PROPERTIES)) {
            return Map.of(EXPORTER, Optional.empty());
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(decode(s, ExporterObjects.CLIENT_PROPERTIES)));
        } catch (IOException e) {
            return Map.of(EXPORTER, Optional.empty());
        }
        return Map.of(EXPORTER, certificate(p.getProperty("ssl.keystore.certificate.chain", "")));
    }

    @Override
    public void issueComponent(String component, ClusterCa ca, Duration validity) {
        if (!component.equals(EXPORTER)) {
            throw new IllegalArgumentException("no component " + component + " runs on Kubernetes");
        }
        ClusterCa.UserCertificate cert = ca.issueComponent(ServerProperties.exporterCommonName(cluster), validity);
        StringWriter out = new StringWriter();
        try {
            ca.clientTlsProperties(cert).store(out, "Kafka client properties of the consumer-lag exporter, written by the keks operator");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rendered.get(names.exporterCerts()).setData(new LinkedHashMap<>(Map.of(ExporterObjects.CLIENT_PROPERTIES, encode(bytes(out.toString())))));
    }

    /** The serial of the certificate each node's Secret holds now. */
    Map<Integer, String> nodeSerials() {
        Map<Integer, String> serials = new TreeMap<>();
        cluster.nodes().forEach(n -> nodeCertificate(n).ifPresent(c -> serials.put(n.id(), c.getSerialNumber().toString(16))));
        return serials;
    }

    /**
     * Each rendered pod (and the lag exporter's pod template) carries the serial of the certificate its
     * Secret holds: a pod that started with another restarts to serve this one.
     */
    void annotate(List<HasMetadata> objects) {
        Map<Integer, String> serials = nodeSerials();
        for (HasMetadata o : objects) {
            if (o instanceof Pod pod) {
                String serial = serials.get(KafkaReconciliation.nodeId(pod));
                if (serial != null) {
                    annotate(pod.getMetadata(), serial);
                }
            } else if (o instanceof Deployment d && d.getMetadata().getName().equals(ExporterObjects.name(names))) {
                // a new certificate changes the pod template, so the Deployment starts a pod that reads it
                components().getOrDefault(EXPORTER, Optional.empty())
                        .ifPresent(c -> annotate(d.getSpec().getTemplate().getMetadata(), c.getSerialNumber().toString(16)));
            }
        }
    }

    private static void annotate(ObjectMeta meta, String serial) {
        if (meta.getAnnotations() == null) {
            meta.setAnnotations(new LinkedHashMap<>());
        }
        meta.getAnnotations().put(NodeObjects.CERTIFICATE_SERIAL, serial);
    }

    private static Optional<X509Certificate> certificate(String pem) {
        try {
            return Optional.of(Pem.certificate(pem));
        } catch (CertificateException e) {
            return Optional.empty();
        }
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
