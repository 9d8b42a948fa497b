package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.ManifestFiles;
import io.keks.engine.security.ClusterCa;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The secured example (examples/secure/) through the operator on the mock API server: every node's
 * certificate, the CAs' trust stores mounted in the pods, mutual TLS and the authorizer in each
 * node's server.properties, the operator's own certificate, and no rotation on a second pass. No
 * Kafka runs here (SecureClusterTest checks the same certificates against real Kafka).
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class SecuredKafkaTest {
    static final String NS = "kafka";
    static final Path SECURE = Path.of(System.getProperty("keks.install.dir", ".."), "examples", "secure");
    KubernetesClient client;
    KafkaReconciliation reconcile;
    DesiredCluster desired;

    @BeforeEach
    void secureCluster() {
        var manifests = ManifestFiles.read(List.of(SECURE));
        desired = ClusterModel.build(manifests, new ClusterModel.Options(Map.of(), Long.MAX_VALUE)).cluster();
        Kafka kafka = manifests.kafkas().get(0).resource();
        client.resources(Kafka.class).inNamespace(NS).resource(kafka).create();
        manifests.nodePools().forEach(p -> client.resources(KafkaNodePool.class).inNamespace(NS).resource(p.resource()).create());
        reconcile = new KafkaReconciliation(client, cluster -> {
            throw new IllegalStateException("no Kafka here");
        }, KafkaReconciliation.Settings.defaults());
    }

    Kafka kafka() {
        return client.resources(Kafka.class).inNamespace(NS).withName("secure").get();
    }

    Map<String, String> data(String secret) {
        Secret s = client.secrets().inNamespace(NS).withName(secret).get();
        assertThat(s).as("Secret " + secret).isNotNull();
        return s.getData();
    }

    static byte[] bytes(Map<String, String> data, String key) {
        return Base64.getDecoder().decode(data.get(key));
    }

    static String text(Map<String, String> data, String key) {
        return new String(bytes(data, key), StandardCharsets.UTF_8);
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
    }

    static KeyStore open(byte[] p12, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(p12), password.toCharArray());
        return ks;
    }

    Properties serverProperties(DesiredNode node) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(client.configMaps().inNamespace(NS).withName("secure-" + node.pool() + "-" + node.id()).get()
                .getData().get("server.properties")));
        return p;
    }

    @Test
    void everyNodeGetsACertificateOfTheClusterCaAndThePodsTheTrustStoresTheirListenersNeed() throws Exception {
        reconcile.reconcile(kafka());
        X509Certificate clusterCa = certificate(text(data("secure-cluster-ca-cert"), "ca.crt"));
        X509Certificate clientsCa = certificate(text(data("secure-clients-ca-cert"), "ca.crt"));
        assertThat(clientsCa.getPublicKey()).isNotEqualTo(clusterCa.getPublicKey());
        // the brokers trust only the clients CA on the mtls listener: its trust store holds that CA
        Map<String, String> clients = data("secure-clients-ca-cert");
        KeyStore clientsTrust = open(bytes(clients, "ca.p12"), text(clients, "ca.password"));
        assertThat((X509Certificate) clientsTrust.getCertificate(clientsTrust.aliases().nextElement())).isEqualTo(clientsCa);

        Map<DesiredNode, byte[]> keyStores = new java.util.LinkedHashMap<>();
        for (DesiredNode n : desired.nodes()) {
            String name = "secure-" + n.pool() + "-" + n.id();
            Map<String, String> secret = data(name);
            KeyStore ks = open(bytes(secret, "keystore.p12"), text(secret, "keystore.password"));
            X509Certificate mine = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
            // controllers too: every node proves who it is on the internal listeners, as the one super user all nodes are
            assertThat(mine.getSubjectX500Principal().getName()).as(name).isEqualTo("CN=secure-kafka,O=io.keks");
            mine.verify(clusterCa.getPublicKey());
            keyStores.put(n, bytes(secret, "keystore.p12"));

            Properties p = serverProperties(n);
            assertThat(p.getProperty("listener.security.protocol.map")).contains("CONTROLPLANE-9090:SSL", "REPLICATION-9091:SSL");
            assertThat(p.getProperty("listener.name.controlplane-9090.ssl.client.auth")).isEqualTo("required");
            assertThat(p.getProperty("listener.name.controlplane-9090.ssl.truststore.location")).isEqualTo("/opt/kafka/keks/cluster-ca/ca.p12");
            assertThat(p.getProperty("listener.name.controlplane-9090.ssl.truststore.password")).isEqualTo("${dir:/opt/kafka/keks/cluster-ca:ca.password}");
            assertThat(p.getProperty("super.users")).contains("User:CN=secure-kafka,O=io.keks", "User:CN=keks-admin,O=io.keks", "User:admin");
            assertThat(p.getProperty("authorizer.class.name")).isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            assertThat(p.getProperty("config.providers")).isEqualTo("dir");
            if (n.isBroker()) {
                assertThat(p.getProperty("listener.name.mtls-9094.ssl.truststore.location")).isEqualTo("/opt/kafka/keks/clients-ca/ca.p12");
                assertThat(p.getProperty("listener.name.scram-9092.sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
            }

            Pod pod = client.pods().inNamespace(NS).withName(name).get();
            Map<String, Volume> volumes = new java.util.HashMap<>();
            pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
            assertThat(volumes.get("certs").getSecret().getSecretName()).isEqualTo(name);
            // the cluster CA's certificate Secret, never its key
            assertThat(volumes.get("cluster-ca").getSecret().getSecretName()).isEqualTo("secure-cluster-ca-cert");
            assertThat(volumes.get("cluster-ca").getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("ca.p12", "ca.password");
            assertThat(volumes).as(name).doesNotContainKey("secure-cluster-ca");
            assertThat(volumes.containsKey("clients-ca")).as(name + " mounts the clients CA").isEqualTo(n.isBroker());
            assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                    .contains("/opt/kafka/keks/certs", "/opt/kafka/keks/cluster-ca");
            assertThat(pod.getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> assertThat(e.getValue())
                    .contains("org.apache.kafka.automatic.config.providers=org.apache.kafka.common.config.provider.DirectoryConfigProvider"));
        }

        // a second pass keeps every certificate: nothing rotates by accident
        reconcile.reconcile(kafka());
        keyStores.forEach((n, ks) -> assertThat(bytes(data("secure-" + n.pool() + "-" + n.id()), "keystore.p12")).isEqualTo(ks));
        assertThat(certificate(text(data("secure-clients-ca-cert"), "ca.crt"))).isEqualTo(clientsCa);

        // the operator reaches the replication listener with a keks-admin certificate of the same CA, in memory
        Properties access = KafkaAccess.inCluster(client).connection(desired);
        assertThat(access.getProperty("security.protocol")).isEqualTo("SSL");
        DesiredNode broker = desired.brokers().get(0);
        assertThat(access.getProperty("bootstrap.servers"))
                .contains("secure-" + broker.pool() + "-" + broker.id() + ".secure-kafka-brokers.kafka.svc:9091");
        X509Certificate operator = certificate(access.getProperty("ssl.keystore.certificate.chain"));
        assertThat(operator.getSubjectX500Principal().getName()).isEqualTo("CN=keks-admin,O=io.keks");
        operator.verify(clusterCa.getPublicKey());
        assertThat(certificate(access.getProperty("ssl.truststore.certificates"))).isEqualTo(clusterCa);
        assertThat(client.secrets().inNamespace(NS).list().getItems()).extracting(s -> s.getMetadata().getName())
                .as("the operator's own key is kept in memory only").noneMatch(n -> n.contains("keks-admin"));
    }

    @Test
    void theLagExporterGetsAClientCertificateOfItsOwnInItsSecret() throws Exception {
        Kafka withExporter = kafka();
        withExporter.getSpec().setKafkaExporter(new io.strimzi.api.kafka.model.kafka.exporter.KafkaExporterSpec());
        client.resources(Kafka.class).inNamespace(NS).resource(withExporter).update();
        reconcile.reconcile(kafka());
        X509Certificate clusterCa = certificate(text(data("secure-cluster-ca-cert"), "ca.crt"));
        Properties p = new Properties();
        p.load(new StringReader(text(data("secure-kafka-exporter-certs"), "client.properties")));
        assertThat(p.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(p.getProperty("ssl.keystore.type")).isEqualTo("PEM");
        X509Certificate exporter = certificate(p.getProperty("ssl.keystore.certificate.chain"));
        assertThat(exporter.getSubjectX500Principal().getName()).isEqualTo("CN=secure-kafka-exporter,O=io.keks");
        exporter.verify(clusterCa.getPublicKey());
        assertThat(serverProperties(desired.brokers().get(0)).getProperty("super.users")).contains("User:CN=secure-kafka-exporter,O=io.keks");

        // without spec.kafkaExporter again, its objects go; a Deployment of the same name someone else made would stay
        Kafka without = kafka();
        without.getSpec().setKafkaExporter(null);
        client.resources(Kafka.class).inNamespace(NS).resource(without).update();
        reconcile.reconcile(kafka());
        assertThat(client.apps().deployments().inNamespace(NS).withName("secure-kafka-exporter").get()).isNull();
        assertThat(client.services().inNamespace(NS).withName("secure-kafka-exporter").get()).isNull();
        assertThat(client.secrets().inNamespace(NS).withName("secure-kafka-exporter-certs").get()).isNull();
        assertThat(client.secrets().inNamespace(NS).withName("secure-cluster-ca-cert").get()).isNotNull();
        client.apps().deployments().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName("secure-kafka-exporter").endMetadata().withNewSpec().endSpec().build()).create();
        reconcile.reconcile(kafka());
        assertThat(client.apps().deployments().inNamespace(NS).withName("secure-kafka-exporter").get()).as("not the Kafka's").isNotNull();
    }

    Kafka withoutSecurity() {
        Kafka open = kafka();
        open.getSpec().getKafka().setAuthorization(null);
        open.getSpec().getKafka().getListeners().forEach(l -> l.setAuth(null));
        return open;
    }

    @Test
    void securityComesAndGoesOnARunningClusterWhoseInternalListenersRunTlsAnyway() throws Exception {
        reconcile.reconcile(kafka());
        assertThat(client.pods().inNamespace(NS).list().getItems()).isNotEmpty();
        client.resources(Kafka.class).inNamespace(NS).resource(withoutSecurity()).update();
        KafkaStatuses.Outcome o = reconcile.reconcile(kafka());
        assertThat(o.condition("Warning")).as("nothing refused").isEmpty();
        DesiredNode broker = desired.brokers().get(0);
        // the authorizer goes (the nodes roll for it, in the safe order); the quorum keeps talking TLS
        assertThat(serverProperties(broker).getProperty("authorizer.class.name")).isNull();
        assertThat(serverProperties(broker).getProperty("listener.security.protocol.map")).contains("CONTROLPLANE-9090:SSL");
        assertThat(serverProperties(desired.controllers().get(0)).getProperty("listener.security.protocol.map"))
                .contains("CONTROLPLANE-9090:SSL", "REPLICATION-9091:SSL");
    }

    @Test
    void removingSecurityFromARunningClusterMadeBeforeInternalTlsIsRefusedAndItRunsAsLastApplied() throws Exception {
        reconcile.reconcile(kafka());
        assertThat(client.pods().inNamespace(NS).list().getItems()).isNotEmpty();
        // an identity as an operator from before internal TLS left it: no internal-tls entry
        ConfigMap identity = client.configMaps().inNamespace(NS).withName("secure-kafka-identity").get();
        identity.getData().remove("internal-tls");
        client.configMaps().inNamespace(NS).resource(identity).update();
        client.resources(Kafka.class).inNamespace(NS).resource(withoutSecurity()).update();
        KafkaStatuses.Outcome o = reconcile.reconcile(kafka());
        assertThat(o.condition("Warning")).hasValueSatisfying(c -> {
            assertThat(c.getReason()).isEqualTo("UnsafeChangeRefused");
            assertThat(c.getMessage()).contains("remove authentication or authorization", "would split the running quorum");
        });
        DesiredNode broker = desired.brokers().get(0);
        assertThat(serverProperties(broker).getProperty("authorizer.class.name")).as("still as last applied").isNotNull();
        assertThat(serverProperties(broker).getProperty("listener.security.protocol.map")).contains("CONTROLPLANE-9090:SSL");
    }

    String nodeName(DesiredNode n) {
        return "secure-" + n.pool() + "-" + n.id();
    }

    void replaceData(String secret, Map<String, String> data) {
        Secret s = client.secrets().inNamespace(NS).withName(secret).get();
        s.setData(data);
        client.secrets().inNamespace(NS).resource(s).update();
    }

    static String encoded(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    String podSerial(String pod) {
        return client.pods().inNamespace(NS).withName(pod).get().getMetadata().getAnnotations()
                .get(io.keks.operator.resources.NodeObjects.CERTIFICATE_SERIAL);
    }

    @Test
    void aClusterCaThatEndsWithinTheRenewalDaysIsRenewedForItsKeyAndEveryNodeAndTheExporterGetANewCertificate() throws Exception {
        Kafka withExporter = kafka();
        withExporter.getSpec().setKafkaExporter(new io.strimzi.api.kafka.model.kafka.exporter.KafkaExporterSpec());
        client.resources(Kafka.class).inNamespace(NS).resource(withExporter).update();
        reconcile.reconcile(kafka());
        Map<String, String> caCert = data("secure-cluster-ca-cert");
        ClusterCa ca = ClusterCa.load(text(caCert, "ca.crt"), text(data("secure-cluster-ca"), "ca.key"));
        // each pod carries the serial of the certificate its Secret holds
        Map<DesiredNode, X509Certificate> before = new java.util.LinkedHashMap<>();
        for (DesiredNode n : desired.nodes()) {
            X509Certificate mine = certificate(text(data(nodeName(n)), "certificate.pem"));
            assertThat(podSerial(nodeName(n))).isEqualTo(mine.getSerialNumber().toString(16));
            before.put(n, mine);
        }
        X509Certificate exporterBefore = exporterCertificate();

        // as if made a year ago: the CA's certificate (same key) ends in ten days, within the default 30 renewal days
        ClusterCa ending = ca.renewed(java.time.Duration.ofDays(10));
        Map<String, String> aged = new java.util.LinkedHashMap<>(caCert);
        aged.put("ca.crt", encoded(ending.certificatePem()));
        replaceData("secure-cluster-ca-cert", aged);
        // a pod that went away meanwhile is made again, from the pod as rendered now
        DesiredNode gone = desired.brokers().get(0);
        client.pods().inNamespace(NS).withName(nodeName(gone)).withGracePeriod(0).delete();
        java.util.List<Pod> running = client.pods().inNamespace(NS).list().getItems();
        reconcile.reconcile(kafka());

        Map<String, String> renewedData = data("secure-cluster-ca-cert");
        X509Certificate renewed = certificate(text(renewedData, "ca.crt"));
        assertThat(renewed.getPublicKey()).as("renewed for the same key").isEqualTo(ca.certificate().getPublicKey());
        assertThat(renewed.getNotAfter().getTime() - System.currentTimeMillis()).as("for spec.clusterCa.validityDays (365)")
                .isGreaterThan(java.time.Duration.ofDays(360).toMillis());
        assertThat(text(renewedData, "ca.crt")).as("the old certificate stays beside the new").contains(ending.certificatePem().trim());
        KeyStore trust = open(bytes(renewedData, "ca.p12"), text(renewedData, "ca.password"));
        assertThat(java.util.Collections.list(trust.aliases())).hasSize(2);
        assertThat(text(data("secure-cluster-ca"), "ca.key")).isEqualTo(ca.keyPem());

        for (DesiredNode n : desired.nodes()) {
            X509Certificate now = certificate(text(data(nodeName(n)), "certificate.pem"));
            assertThat(now.getSerialNumber()).as(nodeName(n) + " issued again").isNotEqualTo(before.get(n).getSerialNumber());
            assertThat(now.getSubjectX500Principal()).isEqualTo(before.get(n).getSubjectX500Principal());
            now.verify(renewed.getPublicKey());
            KeyStore ks = open(bytes(data(nodeName(n)), "keystore.p12"), text(data(nodeName(n)), "keystore.password"));
            assertThat(ks.getCertificate(ks.aliases().nextElement())).as("the key store holds the same certificate").isEqualTo(now);
        }
        assertThat(podSerial(nodeName(gone))).as("the pod made again carries the new serial")
                .isEqualTo(certificate(text(data(nodeName(gone)), "certificate.pem")).getSerialNumber().toString(16));
        // the running pods still carry the old serial: each restarts, in the safe order, to serve its new certificate
        assertThat(certificateRestarts(running, Map.of()))
                .containsExactlyElementsOf(running.stream().map(KafkaReconciliation::nodeId).sorted().toList());

        X509Certificate exporterNow = exporterCertificate();
        assertThat(exporterNow.getSerialNumber()).isNotEqualTo(exporterBefore.getSerialNumber());
        exporterNow.verify(renewed.getPublicKey());
        io.fabric8.kubernetes.api.model.apps.Deployment exporter = client.apps().deployments().inNamespace(NS)
                .withName("secure-kafka-exporter").get();
        assertThat(exporter.getSpec().getTemplate().getMetadata().getAnnotations())
                .as("a new pod template: the Deployment rolls its pod to read the new certificate")
                .containsEntry(io.keks.operator.resources.NodeObjects.CERTIFICATE_SERIAL, exporterNow.getSerialNumber().toString(16));

        // renewed once: the next pass changes nothing
        String renewedPem = text(data("secure-cluster-ca-cert"), "ca.crt");
        reconcile.reconcile(kafka());
        assertThat(text(data("secure-cluster-ca-cert"), "ca.crt")).isEqualTo(renewedPem);
    }

    @Test
    void aClientsCaThatEndsWithinTheRenewalDaysIsRenewedForItsKeyAndNoNodeRestarts() throws Exception {
        reconcile.reconcile(kafka());
        Map<String, String> had = data("secure-clients-ca-cert");
        ClusterCa clients = ClusterCa.load(text(had, "ca.crt"), text(data("secure-clients-ca"), "ca.key"));
        ClusterCa ending = clients.renewed(java.time.Duration.ofDays(10));
        Map<String, String> aged = new java.util.LinkedHashMap<>(had);
        aged.put("ca.crt", encoded(ending.certificatePem()));
        replaceData("secure-clients-ca-cert", aged);
        reconcile.reconcile(kafka());
        Map<String, String> now = data("secure-clients-ca-cert");
        X509Certificate renewed = certificate(text(now, "ca.crt"));
        assertThat(renewed.getPublicKey()).isEqualTo(clients.certificate().getPublicKey());
        assertThat(renewed.getNotAfter().getTime() - System.currentTimeMillis()).isGreaterThan(java.time.Duration.ofDays(360).toMillis());
        assertThat(text(now, "ca.crt")).contains(ending.certificatePem().trim());
        assertThat(text(now, "ca.password")).isEqualTo(text(had, "ca.password"));
        KeyStore trust = open(bytes(now, "ca.p12"), text(now, "ca.password"));
        assertThat(java.util.Collections.list(trust.aliases())).hasSize(2);
        assertThat(certificateRestarts(client.pods().inNamespace(NS).list().getItems(), Map.of()))
                .as("node certificates come from the cluster CA: none is issued again").isEmpty();
    }

    @Test
    void aNodeCertificateThatEndsWithinTheRenewalDaysIsIssuedAgainAloneAndAPodWithoutASerialRestartsForIt() throws Exception {
        reconcile.reconcile(kafka());
        ClusterCa ca = ClusterCa.load(text(data("secure-cluster-ca-cert"), "ca.crt"), text(data("secure-cluster-ca"), "ca.key"));
        String caPem = text(data("secure-cluster-ca-cert"), "ca.crt");
        DesiredNode ending = desired.brokers().get(0);
        // a Secret as an operator before certificate.pem left it, holding a certificate that ends in five days
        ClusterCa.ServerCertificate soon = ca.issueServer("secure-kafka", List.of("x"), List.of(), java.time.Duration.ofDays(5),
                "pw-of-old".toCharArray());
        replaceData(nodeName(ending), Map.of("keystore.p12", Base64.getEncoder().encodeToString(soon.keyStore()),
                "keystore.password", encoded("pw-of-old")));
        Map<DesiredNode, String> others = new java.util.LinkedHashMap<>();
        desired.nodes().stream().filter(n -> n != ending).forEach(n -> others.put(n, text(data(nodeName(n)), "certificate.pem")));
        // and its pod made by that operator too: no serial
        Pod old = client.pods().inNamespace(NS).withName(nodeName(ending)).get();
        old.getMetadata().getAnnotations().remove(io.keks.operator.resources.NodeObjects.CERTIFICATE_SERIAL);
        client.pods().inNamespace(NS).resource(old).update();
        java.util.List<Pod> running = client.pods().inNamespace(NS).list().getItems();

        reconcile.reconcile(kafka());
        X509Certificate now = certificate(text(data(nodeName(ending)), "certificate.pem"));
        assertThat(now.getSerialNumber()).isNotEqualTo(soon.certificate().getSerialNumber());
        assertThat(now.getNotAfter().getTime() - System.currentTimeMillis()).isGreaterThan(java.time.Duration.ofDays(360).toMillis());
        others.forEach((n, pem) -> assertThat(text(data(nodeName(n)), "certificate.pem")).as(nodeName(n) + " kept").isEqualTo(pem));
        assertThat(text(data("secure-cluster-ca-cert"), "ca.crt")).as("the CA is not due").isEqualTo(caPem);
        // a pod without a serial started with what its Secret held before this pass
        String servedBefore = soon.certificate().getSerialNumber().toString(16);
        assertThat(certificateRestarts(running, Map.of(ending.id(), servedBefore)))
                .as("only the node issued again restarts; its pod had no serial to compare").containsExactly(ending.id());
        assertThat(certificateRestarts(running, Map.of())).isEmpty();
    }

    /**
     * The nodes the engine's change of nodes restarts for their certificates: the certificate each pod
     * started with (its serial, or {@code servedBefore} for a pod without one) against what its Secret holds now.
     */
    java.util.Set<Integer> certificateRestarts(java.util.List<Pod> running, Map<Integer, String> servedBefore) throws Exception {
        io.keks.engine.change.ClusterImage image = ImageOfPods.of(running, java.util.OptionalInt.empty(), servedBefore, java.util.Set.of());
        Map<Integer, String> now = new java.util.TreeMap<>();
        Map<Integer, Map<String, String>> config = new java.util.TreeMap<>();
        for (DesiredNode n : desired.nodes()) {
            now.put(n.id(), certificate(text(data(nodeName(n)), "certificate.pem")).getSerialNumber().toString(16));
            config.put(n.id(), image.nodes().containsKey(n.id()) ? image.nodes().get(n.id()).runningConfig() : Map.of());
        }
        io.keks.engine.change.ClusterDelta delta = io.keks.engine.change.ClusterDelta.of(desired, config, image,
                io.keks.engine.config.ConfigModes.fromUpdateModes(desired.version().toString(), Map.of()), java.util.Set.of(), now,
                java.util.OptionalInt.empty());
        return delta.restarts().entrySet().stream()
                .filter(e -> e.getValue().contains(io.keks.engine.roll.RestartReason.CERTIFICATE_RENEWAL))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    X509Certificate exporterCertificate() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text(data("secure-kafka-exporter-certs"), "client.properties")));
        return certificate(p.getProperty("ssl.keystore.certificate.chain"));
    }
}
