package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.ManifestFiles;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The objects the operator makes for the seed blueprint's cluster (examples/kafka-manifests). */
class SeedObjectsTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    static final List<HasMetadata> OBJECTS = Rendering.render(ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests"))),
            RenderOptions.defaults()).objects();

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T get(Class<T> kind, String name) {
        return (T) OBJECTS.stream().filter(o -> kind.isInstance(o) && o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
    }

    static Properties serverProperties(String pod) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(get(ConfigMap.class, pod).getData().get("server.properties")));
        return p;
    }

    @Test
    void aSecuredKafkaRendersASecretPerNodeTheCaSecretsAndTheExporterOnlyWhenAsked() throws Exception {
        var secured = Rendering.render(ManifestFiles.read(List.of(EXAMPLES.resolve("secure"))), RenderOptions.defaults()).objects();
        assertThat(secured).filteredOn(o -> o.getKind().equals("Secret")).extracting(o -> o.getMetadata().getName())
                .contains("secure-cluster-ca-cert", "secure-cluster-ca", "secure-clients-ca-cert", "secure-clients-ca",
                        "secure-broker-0", "secure-controller-1")
                .doesNotContain("secure-kafka-exporter-certs");
        // values are made by the operator, never printed by a dry run
        assertThat(secured).filteredOn(o -> o.getKind().equals("Secret")).isNotEmpty()
                .allSatisfy(o -> assertThat(((io.fabric8.kubernetes.api.model.Secret) o).getData().values()).containsOnly(""));
        // with the lag exporter, it gets a certificate of its own (a super user) from its Secret
        var manifests = ManifestFiles.read(List.of(EXAMPLES.resolve("secure")));
        manifests.kafkas().get(0).resource().getSpec().setKafkaExporter(new io.strimzi.api.kafka.model.kafka.exporter.KafkaExporterSpec());
        var withExporter = Rendering.render(manifests, RenderOptions.defaults()).objects();
        assertThat(withExporter).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Secret/secure-kafka-exporter-certs", "Deployment/secure-kafka-exporter");
        var exporter = (io.fabric8.kubernetes.api.model.apps.Deployment) withExporter.stream()
                .filter(o -> o.getKind().equals("Deployment")).findFirst().orElseThrow();
        var container = exporter.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).containsSubsequence("--command-config", "/opt/keks/exporter-config/client.properties");
        assertThat(exporter.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v ->
                assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName()).isEqualTo("secure-kafka-exporter-certs"));
        Properties broker = new Properties();
        broker.load(new StringReader(withExporter.stream().filter(o -> o.getKind().equals("ConfigMap") && o.getMetadata().getName()
                .equals("secure-broker-0")).map(o -> ((ConfigMap) o).getData().get("server.properties")).findFirst().orElseThrow()));
        assertThat(broker.getProperty("super.users")).contains("User:CN=secure-kafka-exporter,O=io.keks");

        // the seed is not secured, but a new cluster runs mutual TLS inside: every node has a key store,
        // controllers too, and the lag exporter a certificate; no clients CA and no authorizer
        assertThat(OBJECTS).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Secret/cluster-broker-0", "Secret/cluster-controller-3", "Secret/cluster-kafka-exporter-certs")
                .doesNotContain("Secret/cluster-clients-ca-cert");
        Properties controller = serverProperties("cluster-controller-3");
        assertThat(controller.getProperty("listener.security.protocol.map")).contains("CONTROLPLANE-9090:SSL");
        assertThat(controller.getProperty("listener.name.controlplane-9090.ssl.client.auth")).isEqualTo("required");
        assertThat(controller.getProperty("authorizer.class.name")).isNull();
        assertThat(get(ConfigMap.class, "cluster-kafka-identity").getData()).containsEntry("internal-tls", "true");
    }

    @Test
    void withStrimzisReporterEveryPodCopiesItsJarsOntoKafkasClassPathAndRunsNoAgent() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("reporter-manifests");
        String kafka = java.nio.file.Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"));
        String withReporter = kafka.replace("""
                    metricsConfig:
                      type: jmxPrometheusExporter
                      valueFrom:
                        configMapKeyRef:
                          name: kafka-metrics
                          key: kafka-metrics-config.yml
                """, """
                    metricsConfig:
                      type: strimziMetricsReporter
                      values:
                        allowList: ["kafka_.*", "jvm_.*"]
                """);
        assertThat(withReporter).contains("strimziMetricsReporter").doesNotContain("jmxPrometheusExporter");
        java.nio.file.Files.writeString(dir.resolve("kafka-cluster.yaml"), withReporter);
        List<HasMetadata> objects = Rendering.render(ManifestFiles.read(List.of(dir)), RenderOptions.defaults()).objects();
        Pod pod = (Pod) objects.stream().filter(o -> o instanceof Pod && o.getMetadata().getName().equals("cluster-broker-0")).findFirst()
                .orElseThrow();
        Container kafkaContainer = pod.getSpec().getContainers().get(0);
        assertThat(kafkaContainer.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CLASSPATH");
            assertThat(e.getValue()).isEqualTo("/opt/kafka/keks/metrics-reporter/*");
        });
        assertThat(kafkaContainer.getEnv()).filteredOn(e -> e.getName().equals("KAFKA_OPTS"))
                .allSatisfy(e -> assertThat(e.getValue()).doesNotContain("-javaagent"));
        assertThat(kafkaContainer.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9404));
        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).contains("metrics-reporter")
                .doesNotContain("metrics-agent");
        assertThat(pod.getSpec().getInitContainers()).filteredOn(c -> c.getName().equals("metrics-reporter")).singleElement()
                .satisfies(c -> assertThat(c.getCommand()).containsExactly("cp", "-r", "/opt/keks/reporter/.", "/opt/kafka/keks/metrics-reporter/"));
        assertThat(objects).noneMatch(o -> o.getMetadata().getName().equals("cluster-kafka-metrics-rules"));
        Properties broker = new Properties();
        broker.load(new StringReader(objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName()
                .equals("cluster-broker-0")).map(o -> ((ConfigMap) o).getData().get("server.properties")).findFirst().orElseThrow()));
        assertThat(broker.getProperty("metric.reporters")).isEqualTo("io.strimzi.kafka.metrics.KafkaPrometheusMetricsReporter");
        assertThat(broker.getProperty("kafka.metrics.reporters")).isEqualTo("io.strimzi.kafka.metrics.YammerPrometheusMetricsReporter");
        assertThat(broker.getProperty("prometheus.metrics.reporter.listener")).isEqualTo("http://:9404");
        assertThat(broker.getProperty("prometheus.metrics.reporter.allowlist")).isEqualTo("kafka_.*,jvm_.*");
    }

    @Test
    void aClusterWhoseIdentityPredatesInternalTlsKeepsPlaintextInsideUnlessSecured() throws Exception {
        var manifests = ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests")));
        var desired = Rendering.model(manifests, java.util.Map.of()).cluster();
        io.keks.engine.ClusterMemory made = io.keks.engine.ClusterMemory.derived(desired);
        // as an operator from before internal TLS left it: no internal-tls entry in the identity ConfigMap
        io.keks.engine.ClusterMemory old = IdentityData.read(IdentityData.of(made).entrySet().stream()
                .filter(e -> !e.getKey().equals(IdentityData.INTERNAL_TLS))
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
        assertThat(old.internalTls()).isFalse();
        List<HasMetadata> objects = ClusterObjects.render(manifests, desired, old, RenderOptions.defaults());
        // brokers only have key stores for the seed's TLS listener, controllers none
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Secret/cluster-broker-0").doesNotContain("Secret/cluster-controller-3", "Secret/cluster-kafka-exporter-certs");
        Properties controller = new Properties();
        controller.load(new StringReader(objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName()
                .equals("cluster-controller-3")).map(o -> ((ConfigMap) o).getData().get("server.properties")).findFirst().orElseThrow()));
        assertThat(controller.getProperty("listener.security.protocol.map")).contains("CONTROLPLANE-9090:PLAINTEXT");
        assertThat(objects).filteredOn(o -> o instanceof ConfigMap && o.getMetadata().getName().equals("cluster-kafka-identity"))
                .singleElement().satisfies(o -> assertThat(((ConfigMap) o).getData()).containsEntry("internal-tls", "false"));
    }

    @Test
    void theSeedGetsThePodsStrimziWouldNameWithTheirObjectsInTheNamespace() {
        assertThat(OBJECTS).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).contains(
                "ConfigMap/cluster-kafka-identity", "ServiceAccount/cluster-kafka", "Service/cluster-kafka-brokers",
                "Service/cluster-kafka-bootstrap", "Secret/cluster-cluster-ca-cert", "Secret/cluster-cluster-ca",
                "Pod/cluster-broker-0", "Pod/cluster-broker-1", "Pod/cluster-broker-2",
                "Pod/cluster-controller-3", "Pod/cluster-controller-4", "Pod/cluster-controller-5",
                "PersistentVolumeClaim/data-0-cluster-broker-0", "PersistentVolumeClaim/data-0-cluster-controller-5",
                "PodDisruptionBudget/cluster-kafka", "NetworkPolicy/cluster-network-policy-kafka",
                "ClusterRoleBinding/keks-kafka-cluster-kafka-init");
        assertThat(OBJECTS).filteredOn(o -> !o.getKind().equals("ClusterRoleBinding")).isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("kafka"));
        Pod broker = get(Pod.class, "cluster-broker-0");
        assertThat(broker.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "cluster")
                .containsEntry("strimzi.io/pool-name", "broker").containsEntry("strimzi.io/broker-role", "true")
                .containsEntry("strimzi.io/controller-role", "false").containsEntry("app.kubernetes.io/managed-by", "keks");
        // the pod's DNS name comes from the headless service
        assertThat(broker.getSpec().getHostname()).isEqualTo("cluster-broker-0");
        assertThat(broker.getSpec().getSubdomain()).isEqualTo("cluster-kafka-brokers");
    }

    @Test
    void eachNodesConfigNamesThePodsAndBindsEveryInterface() throws Exception {
        Properties b = serverProperties("cluster-broker-1");
        assertThat(b.getProperty("node.id")).isEqualTo("1");
        assertThat(b.getProperty("process.roles")).isEqualTo("broker");
        assertThat(b.getProperty("controller.quorum.bootstrap.servers")).isEqualTo(
                "cluster-controller-3.cluster-kafka-brokers.kafka.svc:9090,cluster-controller-4.cluster-kafka-brokers.kafka.svc:9090,"
                        + "cluster-controller-5.cluster-kafka-brokers.kafka.svc:9090");
        assertThat(b.getProperty("listeners")).isEqualTo("REPLICATION-9091://0.0.0.0:9091,PLAIN-9092://0.0.0.0:9092,TLS-9093://0.0.0.0:9093");
        assertThat(b.getProperty("advertised.listeners")).isEqualTo(
                "REPLICATION-9091://cluster-broker-1.cluster-kafka-brokers.kafka.svc:9091,"
                        + "PLAIN-9092://cluster-broker-1.cluster-kafka-brokers.kafka.svc:9092,"
                        + "TLS-9093://cluster-broker-1.cluster-kafka-brokers.kafka.svc:9093");
        assertThat(b.getProperty("log.dirs")).isEqualTo("/var/lib/kafka/data-0/kafka-log1");
        assertThat(b.getProperty("min.insync.replicas")).isEqualTo("2");
        // the rack is the Kubernetes node's zone, added when the pod starts; the password never sits in a ConfigMap
        assertThat(b).doesNotContainKey("broker.rack");
        assertThat(b.getProperty("listener.name.tls-9093.ssl.keystore.password")).isEqualTo("${dir:/opt/kafka/keks/certs:keystore.password}");
        assertThat(b.getProperty("config.providers.dir.class")).isEqualTo("org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        Properties c = serverProperties("cluster-controller-4");
        assertThat(c.getProperty("listeners")).isEqualTo("CONTROLPLANE-9090://0.0.0.0:9090");
        assertThat(c).doesNotContainKey("advertised.listeners");
    }

    @Test
    void theInitialControllersFormTheQuorumAndBrokersJoinIt() {
        ConfigMap identity = get(ConfigMap.class, "cluster-kafka-identity");
        String clusterId = identity.getData().get("cluster-id");
        String controller = get(ConfigMap.class, "cluster-controller-3").getData().get("format-args");
        assertThat(controller).startsWith("--initial-controllers 3@cluster-controller-3.cluster-kafka-brokers.kafka.svc:9090:"
                + identity.getData().get("directory-id.3") + ",4@");
        assertThat(controller.split(",")).hasSize(3);
        assertThat(get(ConfigMap.class, "cluster-broker-0").getData()).containsEntry("format-args", "--no-initial-controllers")
                .containsEntry("cluster-id", clusterId).containsEntry("metadata-log-dir", "/var/lib/kafka/data-0/kafka-log0");
        assertThat(identity.getData()).containsEntry("initial-controllers", "3,4,5");
    }

    @Test
    void podsRunTheOfficialImageWithTheManifestsHeapTemplateAndVolumes() {
        Pod broker = get(Pod.class, "cluster-broker-2");
        Container kafka = broker.getSpec().getContainers().get(0);
        assertThat(kafka.getImage()).isEqualTo("apache/kafka:4.4.0");
        assertThat(kafka.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("KAFKA_HEAP_OPTS");
            assertThat(e.getValue()).isEqualTo("-Xms4g -Xmx6g");
        });
        assertThat(kafka.getResources().getLimits().get("memory").toString()).isEqualTo("64Gi");
        assertThat(kafka.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("tcp-replication:9091", "tcp-plain:9092", "tcp-tls:9093", "tcp-prometheus:9404");
        assertThat(kafka.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath())
                .contains("data-0 /var/lib/kafka/data-0", "config /opt/kafka/keks/config", "certs /opt/kafka/keks/certs");
        assertThat(broker.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("data-0")).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-0-cluster-broker-2"));
        // the seed's template: taint toleration, node affinity, anti-affinity by pool, zone spread
        assertThat(broker.getSpec().getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(broker.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getKey()).isEqualTo("NodeGroupType");
        assertThat(broker.getSpec().getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().get(0)
                .getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(broker.getSpec().getTopologySpreadConstraints()).singleElement()
                .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
        // broker.rack from the node's zone: an init container reads it
        assertThat(broker.getSpec().getInitContainers()).filteredOn(i -> i.getName().equals("kafka-init")).singleElement().satisfies(i ->
                assertThat(i.getArgs()).containsExactly("rack", "--topology-key", "topology.kubernetes.io/zone", "--out", "/opt/kafka/keks/rack/rack"));
        assertThat(get(Pod.class, "cluster-controller-3").getSpec().getInitContainers()).extracting(i -> i.getName())
                .containsExactly("metrics-agent");
        assertThat(broker.getSpec().getReadinessGates()).extracting(g -> g.getConditionType()).containsExactly("keks.io/kafka-ready");
        assertThat(broker.getMetadata().getAnnotations().get(NodeObjects.STARTED_CONFIG))
                .isEqualTo(get(ConfigMap.class, "cluster-broker-2").getData().get("server.properties"));
    }

    @Test
    void claimsAskForTheManifestsSizeAndAreKeptWhenTheKafkaGoes() {
        PersistentVolumeClaim claim = get(PersistentVolumeClaim.class, "data-0-cluster-controller-3");
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("100Gi");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        // deleteClaim: false
        assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void servicesBudgetAndPolicy() {
        Service headless = get(Service.class, "cluster-kafka-brokers");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(9090, 9091, 9092, 9093);
        Service bootstrap = get(Service.class, "cluster-kafka-bootstrap");
        assertThat(bootstrap.getSpec().getSelector()).containsEntry("strimzi.io/broker-role", "true");
        assertThat(bootstrap.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("tcp-plain:9092", "tcp-tls:9093");
        assertThat(get(PodDisruptionBudget.class, "cluster-kafka").getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        NetworkPolicy policy = get(NetworkPolicy.class, "cluster-network-policy-kafka");
        assertThat(policy.getSpec().getIngress()).extracting(r -> r.getPorts().get(0).getPort().getIntVal()).containsExactly(9090, 9091, 9092, 9093, 9404);
        // the quorum and replication ports only from the cluster's pods and the operator
        assertThat(policy.getSpec().getIngress().get(0).getFrom()).hasSize(2);
        assertThat(policy.getSpec().getIngress().get(2).getFrom()).isEmpty();
    }

    @Test
    void renderingTheSameManifestsTwiceGivesTheSameObjects() {
        List<HasMetadata> again = Rendering.render(ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests"))),
                RenderOptions.defaults()).objects();
        assertThat(Serialization.asYaml(again)).isEqualTo(Serialization.asYaml(OBJECTS));
    }

    @Test
    void everyPodServesMetricsOnTcpPrometheusWithTheAgentCopiedFromTheOperatorImageAndTheRulesMounted() {
        for (String name : List.of("cluster-broker-0", "cluster-controller-3")) {
            Pod pod = get(Pod.class, name);
            Container kafka = pod.getSpec().getContainers().get(0);
            assertThat(kafka.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("tcp-prometheus");
                assertThat(p.getContainerPort()).isEqualTo(9404);
            });
            assertThat(kafka.getEnv()).filteredOn(e -> e.getName().equals("KAFKA_OPTS")).singleElement()
                    .satisfies(e -> assertThat(e.getValue()).contains(
                            "-javaagent:/opt/kafka/keks/metrics-agent/jmx_prometheus_javaagent.jar=9404:/opt/kafka/keks/metrics-config/rules.yml"));
            assertThat(pod.getSpec().getInitContainers()).anySatisfy(c -> {
                assertThat(c.getName()).isEqualTo("metrics-agent");
                assertThat(c.getImage()).isEqualTo(RenderOptions.defaults().operatorImage());
                assertThat(c.getCommand()).containsExactly("cp", "/opt/keks/agents/jmx_prometheus_javaagent.jar",
                        "/opt/kafka/keks/metrics-agent/");
            });
            // the operator's copy of the seed's rules, mounted as a directory so changed rules reach the agent
            assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("metrics-config")).singleElement()
                    .satisfies(v -> {
                        assertThat(v.getConfigMap().getName()).isEqualTo("cluster-kafka-metrics-rules");
                        assertThat(v.getConfigMap().getItems()).singleElement().satisfies(i -> {
                            assertThat(i.getKey()).isEqualTo("rules.yml");
                            assertThat(i.getPath()).isEqualTo("rules.yml");
                        });
                    });
            assertThat(kafka.getVolumeMounts()).filteredOn(m -> m.getName().equals("metrics-config"))
                    .singleElement().satisfies(m -> assertThat(m.getSubPath()).isNull());
        }
        // the seed's rules are keks' own, so nothing is appended: the copy holds them as the seed's ConfigMap does
        ConfigMap seedRules = ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests"))).configMaps().stream().map(c -> c.resource())
                .filter(c -> c.getMetadata().getName().equals("kafka-metrics")).findFirst().orElseThrow();
        assertThat(get(ConfigMap.class, "cluster-kafka-metrics-rules").getData())
                .containsExactly(java.util.Map.entry("rules.yml", seedRules.getData().get("kafka-metrics-config.yml")));
        NetworkPolicy policy = get(NetworkPolicy.class, "cluster-network-policy-kafka");
        assertThat(policy.getSpec().getIngress()).anySatisfy(r -> {
            assertThat(r.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9404));
            assertThat(r.getFrom()).isNullOrEmpty();
        });
    }

    @Test
    void kafkaExporterIsADeploymentOfTheOperatorImageWithItsServiceAndMayReachTheBrokers() {
        var deployment = get(io.fabric8.kubernetes.api.model.apps.Deployment.class, "cluster-kafka-exporter");
        Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(RenderOptions.defaults().operatorImage());
        assertThat(c.getArgs()).containsSubsequence("exporter", "--bootstrap-server",
                "cluster-broker-0.cluster-kafka-brokers.kafka.svc:9091,cluster-broker-1.cluster-kafka-brokers.kafka.svc:9091,"
                        + "cluster-broker-2.cluster-kafka-brokers.kafka.svc:9091");
        assertThat(c.getArgs()).containsSubsequence("--topic-regex", ".*", "--group-regex", ".*");
        // a read-only root file system, with a writable /tmp for the JVM
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getVolumeMounts()).anySatisfy(v -> assertThat(v.getMountPath()).isEqualTo("/tmp"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet().stream()
                        .filter(e -> deployment.getSpec().getSelector().getMatchLabels().containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
        Service service = get(Service.class, "cluster-kafka-exporter");
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("tcp-prometheus");
            assertThat(p.getPort()).isEqualTo(9404);
        });
        NetworkPolicy policy = get(NetworkPolicy.class, "cluster-network-policy-kafka");
        assertThat(policy.getSpec().getIngress()).filteredOn(r -> r.getPorts().get(0).getPort().getIntVal() == 9091).singleElement()
                .satisfies(r -> assertThat(r.getFrom()).anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels())));
    }
}
