package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.ManifestFiles;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator against the fabric8 mock API server (CRUD mode), with the seed's Kafka and pools as
 * custom resources, and a local cluster with the same node ids playing the pods: the engine's checks
 * run against real Kafka while the operator creates, deletes and re-creates pods.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorOnLocalKafkaTest {
    static final String NS = "kafka";
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    static KubernetesClient client;
    static KubernetesMockServer server;
    static LocalPods cluster;
    static Path home;
    static LocalKubelet kubelet;
    static KafkaReconciliation reconcile;

    @BeforeAll
    static void setUp() throws Exception {
        cluster = new LocalPods(client, NS, ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests"))));
        home = cluster.home;
        kubelet = cluster.kubelet;
        reconcile = cluster.reconcile;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Kafka kafka() {
        return cluster.kafka();
    }

    static KafkaNodePool pool(String name) {
        return cluster.pool(name);
    }

    static KafkaStatuses.Outcome reconcileOnce() {
        return cluster.reconcileOnce();
    }

    static KafkaStatuses.Outcome reconcileUntilReady() {
        return cluster.reconcileUntilReady();
    }

    static List<Pod> pods() {
        return client.pods().inNamespace(NS).list().getItems();
    }

    static Map<String, String> podUids() {
        Map<String, String> m = new java.util.TreeMap<>();
        pods().forEach(p -> m.put(p.getMetadata().getName(), p.getMetadata().getUid()));
        return m;
    }

    /** Changes the Kafka custom resource and, so that restarted processes run what the pods would, the local node files. */
    static void change(Consumer<Kafka> kafkaEdit, Consumer<KafkaNodePool> brokerPoolEdit) throws Exception {
        change(kafkaEdit, brokerPoolEdit, null);
    }

    static void change(Consumer<Kafka> kafkaEdit, Consumer<KafkaNodePool> brokerPoolEdit, Consumer<KafkaNodePool> controllerPoolEdit)
            throws Exception {
        if (controllerPoolEdit != null) {
            client.resources(KafkaNodePool.class).inNamespace(NS).withName("controller").edit(p -> {
                controllerPoolEdit.accept(p);
                return p;
            });
        }
        if (kafkaEdit != null) {
            client.resources(Kafka.class).inNamespace(NS).withName("cluster").edit(k -> {
                kafkaEdit.accept(k);
                return k;
            });
        }
        if (brokerPoolEdit != null) {
            client.resources(KafkaNodePool.class).inNamespace(NS).withName("broker").edit(p -> {
                brokerPoolEdit.accept(p);
                return p;
            });
        }
        cluster.syncLocal();
    }

    @Test
    @Order(1)
    void theSeedsCustomResourcesBecomeAReadyKraftClusterOfSixPods() throws Exception {
        KafkaStatuses.Outcome first = reconcileOnce();
        assertThat(first.condition("Ready").orElseThrow().getReason()).isEqualTo("Creating");
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("cluster-broker-0",
                "cluster-broker-1", "cluster-broker-2", "cluster-controller-3", "cluster-controller-4", "cluster-controller-5");
        KafkaStatuses.Outcome ready = reconcileUntilReady();

        Kafka k = kafka();
        assertThat(k.getStatus().getKafkaMetadataState().toValue()).isEqualTo("KRaft");
        assertThat(k.getStatus().getKafkaVersion()).isEqualTo("4.4.0");
        assertThat(k.getStatus().getKafkaMetadataVersion()).startsWith("4.4-IV");
        assertThat(k.getStatus().getObservedGeneration()).isEqualTo(k.getMetadata().getGeneration());
        ConfigMap identity = client.configMaps().inNamespace(NS).withName("cluster-kafka-identity").get();
        assertThat(k.getStatus().getClusterId()).isEqualTo(identity.getData().get("cluster-id"));
        assertThat(k.getStatus().getListeners()).extracting(l -> l.getName() + " " + l.getBootstrapServers())
                .containsExactly("plain cluster-kafka-bootstrap.kafka.svc:9092", "tls cluster-kafka-bootstrap.kafka.svc:9093");
        assertThat(pool("broker").getStatus().getNodeIds()).containsExactly(0, 1, 2);
        assertThat(pool("controller").getStatus().getNodeIds()).containsExactly(3, 4, 5);
        assertThat(ready.pools().get("broker").getRoles()).extracting(r -> r.toValue()).containsExactly("broker");
        // readiness means Kafka's view: every pod's gate is set
        assertThat(pods()).hasSize(6).allSatisfy(p -> assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("keks.io/kafka-ready");
            assertThat(c.getStatus()).isEqualTo("True");
        }));
        // the objects around the pods, and secrets with real values
        assertThat(client.services().inNamespace(NS).list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("cluster-kafka-bootstrap", "cluster-kafka-brokers", "cluster-kafka-exporter");
        assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(6);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("cluster-kafka").get()).isNotNull();
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).withName("cluster-network-policy-kafka").get()).isNotNull();
        Secret ca = client.secrets().inNamespace(NS).withName("cluster-cluster-ca-cert").get();
        assertThat(new String(Base64.getDecoder().decode(ca.getData().get("ca.crt")))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(client.secrets().inNamespace(NS).withName("cluster-broker-0").get().getData()).containsKeys("keystore.p12", "keystore.password");
        assertThat(pods()).hasSize(6).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(k.getMetadata().getUid())));

        // in sync: another pass changes nothing
        Map<String, String> uids = podUids();
        String caVersion = ca.getMetadata().getResourceVersion();
        reconcileOnce();
        assertThat(podUids()).isEqualTo(uids);
        assertThat(client.secrets().inNamespace(NS).withName("cluster-cluster-ca-cert").get().getMetadata().getResourceVersion())
                .isEqualTo(caVersion);
    }

    @Test
    @Order(2)
    void aReadOnlyConfigChangeRollsThePodsInTheEnginesOrder() throws Exception {
        int active = activeController();
        int from = kubelet.events.size();
        Map<String, String> uids = podUids();
        change(k -> k.getSpec().getKafka().getConfig().put("auto.create.topics.enable", false), null);
        KafkaStatuses.Outcome o = reconcileOnce();
        assertThat(o.condition("Ready").orElseThrow().getStatus()).as(o.kafka().toString()).isEqualTo("True");
        List<String> order = kubelet.stoppedSince(from);
        List<String> expected = new java.util.ArrayList<>();
        Stream.of(3, 4, 5).filter(id -> id != active).forEach(id -> expected.add("cluster-controller-" + id));
        expected.add("cluster-controller-" + active);
        expected.addAll(List.of("cluster-broker-0", "cluster-broker-1", "cluster-broker-2"));
        assertThat(order).containsExactlyElementsOf(expected);
        assertThat(podUids()).hasSize(6).allSatisfy((pod, uid) -> assertThat(uid).isNotEqualTo(uids.get(pod)));
        try (Admin admin = kubelet.cluster().admin()) {
            for (int b : List.of(0, 1, 2)) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b));
                assertThat(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get("auto.create.topics.enable").value())
                        .isEqualTo("false");
            }
        }
    }

    static int activeController() throws Exception {
        try (Admin admin = kubelet.cluster().admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
    }

    @Test
    @Order(3)
    void brokersScaleUpAndDownWithTheLeavingOneDrained() throws Exception {
        try (Admin admin = kubelet.cluster().admin()) {
            admin.createTopics(List.of(new NewTopic("spread-topic", 12, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        change(null, p -> p.getSpec().setReplicas(4));
        reconcileUntilReady();
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).contains("cluster-broker-6");
        assertThat(pool("broker").getStatus().getNodeIds()).containsExactly(0, 1, 2, 6);
        // the seed's autoRebalance add-brokers: broker 6 took its share before the pass ended, its state in the ConfigMap
        try (Admin admin = kubelet.cluster().admin()) {
            assertThat(replicasOn(admin, 6)).isNotEmpty();
        }
        ConfigMap auto = client.configMaps().inNamespace(NS).withName("cluster-auto-rebalancing-add-brokers").get();
        assertThat(auto).isNotNull();
        assertThat(auto.getData().get(KubernetesRebalances.STATE_KEY)).contains("\"state\":\"Ready\"");

        int from = kubelet.events.size();
        change(null, p -> p.getSpec().setReplicas(3));
        reconcileUntilReady();
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).doesNotContain("cluster-broker-6");
        assertThat(kubelet.stoppedSince(from)).containsExactly("cluster-broker-6");
        assertThat(pool("broker").getStatus().getNodeIds()).containsExactly(0, 1, 2);
        assertThat(client.configMaps().inNamespace(NS).withName("cluster-broker-6").get()).isNull();
        // deleteClaim: false keeps the volume
        assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("data-0-cluster-broker-6").get()).isNotNull();
        try (Admin admin = kubelet.cluster().admin()) {
            assertThat(admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions().includeFencedBrokers(true))
                    .nodes().get(30, TimeUnit.SECONDS)).extracting(n -> n.id()).containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    static List<String> replicasOn(Admin admin, int broker) throws Exception {
        List<String> on = new java.util.ArrayList<>();
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(t -> t.partitions().forEach(p -> {
            if (p.replicas().stream().anyMatch(n -> n.id() == broker)) {
                on.add(t.name() + "-" + p.partition());
            }
        }));
        return on;
    }

    @Test
    @Order(4)
    void aBadChangeGetsReadyFalseWithItsReasonAndTheRunningClusterIsUntouched() throws Exception {
        Map<String, String> uids = podUids();
        client.resources(Kafka.class).inNamespace(NS).withName("cluster").edit(k -> {
            k.getSpec().getKafka().getConfig().put("log.message.format.version", "3.0");
            return k;
        });
        KafkaStatuses.Outcome o = reconcileOnce();
        Condition ready = o.condition("Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidResource");
        assertThat(ready.getMessage()).isEqualTo("Kafka kafka/cluster: spec.kafka.config[\"log.message.format.version\"]:"
                + " log.message.format.version was removed in Kafka 4.0.0 and Kafka 4.4.0 refuses to start with it; delete this line");
        assertThat(podUids()).isEqualTo(uids);
        client.resources(Kafka.class).inNamespace(NS).withName("cluster").edit(k -> {
            k.getSpec().getKafka().getConfig().remove("log.message.format.version");
            return k;
        });
        reconcileUntilReady();
        assertThat(podUids()).isEqualTo(uids);
    }

    static io.strimzi.api.kafka.model.topic.KafkaTopic kafkaTopic(String name) {
        return client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName(name).get();
    }

    static Condition topicCondition(String name) {
        var t = kafkaTopic(name);
        return t == null || t.getStatus() == null || t.getStatus().getConditions() == null ? new Condition()
                : t.getStatus().getConditions().get(0);
    }

    static io.strimzi.api.kafka.model.topic.KafkaTopic newTopic(String name, String topicName, int partitions) {
        return new io.strimzi.api.kafka.model.topic.KafkaTopicBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Map.of("strimzi.io/cluster", "cluster")).endMetadata()
                .withNewSpec().withTopicName(topicName).withPartitions(partitions).withReplicas(3).endSpec().build();
    }

    static Set<String> kafkaTopics() throws Exception {
        try (Admin admin = kubelet.cluster().admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(5)
    void kafkaTopicsAreReconciledInBatchesWithTheirFinalizerConflictsAndStatusReasons() throws Exception {
        reconcileUntilReady();
        io.javaoperatorsdk.operator.Operator sdk = new io.javaoperatorsdk.operator.Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false).withCloseClientOnStop(false).withStopOnInformerErrorDuringStartup(false));
        KafkaAccess access = cluster -> {
            try {
                return kubelet.cluster().connections().clientProperties(null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try (KafkaTopicBatches batches = new KafkaTopicBatches(client, access, Duration.ofMinutes(10), 50L << 20)) {
            sdk.register(new KafkaTopicController(batches, new ResourceCounts(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())), c -> c.settingNamespaces(Set.of(NS)));
            sdk.start();
            io.strimzi.api.kafka.model.topic.KafkaTopic seedTopic = ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-topics.yaml")))
                    .topics().get(0).resource();
            seedTopic.getMetadata().setNamespace(NS);
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).resource(seedTopic).create();
            // a batch: 30 KafkaTopics created at once become topics in one pass
            for (int i = 0; i < 30; i++) {
                client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS)
                        .resource(newTopic("batch-" + i, "batch-" + i, 2)).create();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(topicCondition("test-topic").getStatus()).as(topicCondition("test-topic").getMessage()).isEqualTo("True");
                for (int i = 0; i < 30; i++) {
                    assertThat(topicCondition("batch-" + i).getStatus()).isEqualTo("True");
                }
            });
            var ready = kafkaTopic("test-topic");
            assertThat(ready.getMetadata().getFinalizers()).contains(KafkaTopicController.FINALIZER);
            assertThat(ready.getStatus().getTopicName()).isEqualTo("test-topic");
            assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
            try (Admin admin = kubelet.cluster().admin()) {
                var d = admin.describeTopics(List.of("test-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("test-topic");
                assertThat(d.partitions()).hasSize(12);
                assertThat(ready.getStatus().getTopicId()).isEqualTo(d.topicId().toString());
            }
            // Ready once the controller created them; every broker lists them a moment later
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kafkaTopics()).contains("batch-0", "batch-29"));

            // a second KafkaTopic for the same Kafka topic: the older keeps it
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS)
                    .resource(newTopic("test-topic-again", "test-topic", 12)).create();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(topicCondition("test-topic-again").getReason()).isEqualTo("ResourceConflict");
                assertThat(topicCondition("test-topic-again").getMessage()).contains("managed by KafkaTopic test-topic, which is older");
            });
            assertThat(topicCondition("test-topic").getStatus()).isEqualTo("True");
            // deleting the one in conflict releases it without deleting the topic the other manages
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("test-topic-again").delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> kafkaTopic("test-topic-again") == null);
            assertThat(kafkaTopics()).contains("test-topic");

            // fewer partitions: NotSupported, and the topic keeps its 12
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("test-topic")
                    .edit(t -> {
                        t.getSpec().setPartitions(6);
                        return t;
                    });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topicCondition("test-topic").getReason())
                    .isEqualTo("NotSupported"));
            // a config value Kafka would refuse: refused before Kafka is asked, by Kafka's own definition of the key
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("test-topic")
                    .edit(t -> {
                        t.getSpec().setPartitions(12);
                        t.getSpec().setConfig(Map.of("retention.ms", "forever"));
                        return t;
                    });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(topicCondition("test-topic").getReason()).isEqualTo("InvalidResource");
                assertThat(topicCondition("test-topic").getMessage()).contains("spec.config[\"retention.ms\"]: Kafka 4.4.0 refuses"
                        + " \"forever\": Not a number of type LONG");
            });
            // more replicas than brokers: refused before Kafka is asked
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("test-topic")
                    .edit(t -> {
                        t.getSpec().setConfig(Map.of("retention.ms", "7200000"));
                        t.getSpec().setReplicas(5);
                        return t;
                    });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(topicCondition("test-topic").getReason()).isEqualTo("InvalidResource");
                assertThat(topicCondition("test-topic").getMessage()).contains("spec.replicas: replicas is 5 but the cluster has 3 broker(s)");
            });
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("test-topic")
                    .edit(t -> {
                        t.getSpec().setReplicas(3);
                        return t;
                    });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topicCondition("test-topic").getStatus()).isEqualTo("True"));

            // deleting a KafkaTopic deletes its topic; one marked unmanaged first keeps it
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("batch-0").delete();
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("batch-1")
                    .edit(t -> {
                        t.getMetadata().setAnnotations(Map.of("strimzi.io/managed", "false"));
                        return t;
                    });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topicCondition("batch-1").getReason()).isEqualTo("Unmanaged"));
            client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(NS).withName("batch-1").delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> kafkaTopic("batch-0") == null && kafkaTopic("batch-1") == null);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kafkaTopics()).doesNotContain("batch-0").contains("batch-1"));
        } finally {
            sdk.stop();
        }
    }

    static KafkaRebalance rebalance(String name, String yamlSpec) {
        return Serialization.unmarshal("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: %s
                  namespace: %s
                  labels: {strimzi.io/cluster: cluster}
                spec: %s
                """.formatted(name, NS, yamlSpec), KafkaRebalance.class);
    }

    static KafkaRebalance reconciledRebalance(KafkaRebalanceReconciliation r, String name) {
        r.reconcile(client.resources(KafkaRebalance.class).inNamespace(NS).withName(name).get());
        return client.resources(KafkaRebalance.class).inNamespace(NS).withName(name).get();
    }

    @Test
    @Order(6)
    void aKafkaRebalanceIsProposedAndCarriedOutByTheSameEngineStepAsLocallyWithStrimzisStatus() throws Exception {
        reconcileUntilReady();
        try (Admin admin = kubelet.cluster().admin()) {
            Map<Integer, List<Integer>> assignment = new java.util.HashMap<>();
            for (int p = 0; p < 6; p++) {
                assignment.put(p, List.of(0, 1));
            }
            admin.createTopics(List.of(new NewTopic("skew-topic", assignment))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaAccess access = cluster -> {
            try {
                return kubelet.cluster().connections().clientProperties(null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        KafkaRebalanceReconciliation rebalances = new KafkaRebalanceReconciliation(client, access,
                new RebalanceReconciler.Settings(Duration.ofSeconds(1), Duration.ofMinutes(2)));
        client.resources(KafkaRebalance.class).inNamespace(NS).resource(rebalance("even", "{}")).create();
        KafkaRebalance even = reconciledRebalance(rebalances, "even");
        assertThat(even.getStatus().getConditions()).extracting(Condition::getType).containsExactly("ProposalReady");
        assertThat((Integer) even.getStatus().getOptimizationResult().get("numReplicaMovements")).isGreaterThan(0);
        assertThat(even.getStatus().getProgress().getRebalanceProgressConfigMap()).isEqualTo("even");
        ConfigMap loads = client.configMaps().inNamespace(NS).withName("even").get();
        assertThat(loads.getData()).containsKeys("brokerLoad.json", KubernetesRebalances.STATE_KEY);
        assertThat(loads.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly("even");

        client.resources(KafkaRebalance.class).inNamespace(NS).withName("even").edit(r -> {
            r.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("strimzi.io/rebalance", "approve")));
            return r;
        });
        even = reconciledRebalance(rebalances, "even");
        assertThat(even.getStatus().getConditions()).extracting(Condition::getType).containsExactly("Ready");
        assertThat(even.getMetadata().getAnnotations()).as("acted on, then removed").doesNotContainKey("strimzi.io/rebalance");
        try (Admin admin = kubelet.cluster().admin()) {
            assertThat(replicasOn(admin, 2)).filteredOn(p -> p.startsWith("skew-topic-")).isNotEmpty();
        }

        // bad input: a clear NotReady, nothing moved
        client.resources(KafkaRebalance.class).inNamespace(NS).resource(rebalance("fast", "{goals: [FastGoal], skipHardGoalCheck: true}"))
                .create();
        client.resources(KafkaRebalance.class).inNamespace(NS).resource(rebalance("shrink", "{mode: remove-brokers, brokers: [1, 2]}"))
                .create();
        client.resources(KafkaRebalance.class).inNamespace(NS).resource(rebalance("nobody", "{mode: add-brokers, brokers: [42]}")).create();
        Map<String, String> said = Map.of("fast", "unknown goal \"FastGoal\"", "shrink", "leaves 1 broker(s), fewer than the",
                "nobody", "spec.brokers names [42], which the cluster does not have");
        for (var e : said.entrySet()) {
            var c = reconciledRebalance(rebalances, e.getKey()).getStatus().getConditions().get(0);
            assertThat(c.getType()).as(e.getKey()).isEqualTo("NotReady");
            assertThat(c.getMessage()).as(e.getKey()).contains(e.getValue());
        }
        assertThat(client.configMaps().inNamespace(NS).withName("shrink").get().getData().get(KubernetesRebalances.STATE_KEY))
                .contains("\"proposal\":[]");
    }

    @Test
    @Order(7)
    void controllersJoinAndLeaveTheQuorumThroughTheSameEngineStepAsLocally() throws Exception {
        reconcileUntilReady();
        int before = kubelet.events.size();
        change(null, null, p -> p.getSpec().setReplicas(5));
        // on a thread of its own: the client completes its calls on the common pool, which a 2-core machine gives one thread
        CompletableFuture<KafkaStatuses.Outcome> grown = CompletableFuture.supplyAsync(OperatorOnLocalKafkaTest::reconcileUntilReady,
                r -> Thread.ofPlatform().daemon().name("reconcile").start(r));
        // the active controller killed once the first new controller's pod runs; the kubelet starts its container again
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> grown.isDone() || cluster.eventsSince(before).contains("started cluster-controller-6"));
        int killed;
        try (Admin admin = kubelet.cluster().admin()) {
            killed = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
        kubelet.cluster().process(killed).orElseThrow().destroyForcibly();
        KafkaStatuses.Outcome five = grown.get(5, TimeUnit.MINUTES);
        assertThat(cluster.eventsSince(before)).contains("restarted cluster-controller-" + killed + " (container exited)");
        assertThat(five.condition("ControllerQuorum")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).startsWith("voters 3, 4, 5, 6, 7; active controller ");
        });
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).contains("cluster-controller-6", "cluster-controller-7");
        assertThat(pool("controller").getStatus().getNodeIds()).containsExactly(3, 4, 5, 6, 7);
        try (Admin admin = kubelet.cluster().admin()) {
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters())
                    .extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(3, 4, 5, 6, 7);
        }

        int from = kubelet.events.size();
        change(null, null, p -> p.getSpec().setReplicas(3));
        assertThat(reconcileUntilReady().condition("ControllerQuorum")).hasValueSatisfying(c ->
                assertThat(c.getMessage()).startsWith("voters 3, 4, 5; active controller "));
        assertThat(kubelet.stoppedSince(from)).containsExactlyInAnyOrder("cluster-controller-6", "cluster-controller-7");
        assertThat(pool("controller").getStatus().getNodeIds()).containsExactly(3, 4, 5);
        try (Admin admin = kubelet.cluster().admin()) {
            QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(3, 4, 5);
            assertThat(q.leaderId()).isIn(3, 4, 5);
        }
    }

    @Test
    @Order(8)
    void theControllersMoveToANewPoolAndTheBrokersRestartFirstToFindThem() throws Exception {
        reconcileUntilReady();
        KafkaNodePool old = pool("controller");
        KafkaNodePool renamed = new io.strimzi.api.kafka.model.nodepool.KafkaNodePoolBuilder().withNewMetadata()
                .withName("controller-b").withNamespace(NS).withLabels(old.getMetadata().getLabels()).endMetadata()
                .withSpec(old.getSpec()).build();
        client.resources(KafkaNodePool.class).inNamespace(NS).resource(renamed).create();
        cluster.syncLocal();
        reconcileUntilReady();
        assertThat(pool("controller-b").getStatus().getNodeIds()).containsExactly(6, 7, 8);

        int from = kubelet.events.size();
        client.resources(KafkaNodePool.class).inNamespace(NS).withName("controller").delete();
        cluster.syncLocal();
        reconcileUntilReady();
        try (Admin admin = kubelet.cluster().admin()) {
            QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(6, 7, 8);
        }
        // the brokers knew only controllers 3, 4 and 5 to find the quorum through: they restarted before those left
        List<String> since = kubelet.events.subList(from, kubelet.events.size());
        assertThat(since).contains("stopped cluster-broker-0", "stopped cluster-broker-1", "stopped cluster-broker-2",
                "stopped cluster-controller-3", "stopped cluster-controller-4", "stopped cluster-controller-5");
        int lastBroker = Stream.of(0, 1, 2).mapToInt(b -> since.lastIndexOf("stopped cluster-broker-" + b)).max().orElseThrow();
        int firstController = Stream.of(3, 4, 5).mapToInt(c -> since.indexOf("stopped cluster-controller-" + c)).min().orElseThrow();
        assertThat(lastBroker).isLessThan(firstController);
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).doesNotContain("cluster-controller-3", "cluster-controller-4",
                "cluster-controller-5");
    }

    @Test
    @Order(9)
    void brokerClaimsGrowOnceBeforeTheyFillAndAHandRaisedSizeIsAppliedWithoutRestartingPods() throws Exception {
        reconcileUntilReady();
        client.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata().withName("gp3").addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner("ebs.csi.aws.com").withAllowVolumeExpansion(true).build()).create();
        // the threshold just under what Kafka reports for this machine's disk, so that the brokers' volumes are past it
        int percent;
        try (Admin admin = kubelet.cluster().admin()) {
            percent = io.keks.engine.DiskUse.read(admin, List.of(0, 1, 2), 10_000).stream()
                    .mapToInt(io.keks.engine.DiskUse::percentUsed).min().orElseThrow();
        }
        assertThat(percent).as("Kafka reports how full the brokers' disks are").isPositive();
        Map<String, String> uids = podUids();
        int from = kubelet.events.size();
        change(null, p -> p.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(
                io.keks.model.StorageGrowth.ENABLED, "true",
                io.keks.model.StorageGrowth.AT_PERCENT, String.valueOf(Math.max(1, percent - 1)),
                io.keks.model.StorageGrowth.STEP, "10Gi",
                io.keks.model.StorageGrowth.STEP_PERCENT, "0",
                io.keks.model.StorageGrowth.COOLDOWN, "1h"))));
        reconcileOnce();
        assertThat(claimSizes()).containsEntry("data-0-cluster-broker-0", "110Gi").containsEntry("data-0-cluster-broker-1", "110Gi")
                .containsEntry("data-0-cluster-broker-2", "110Gi").containsEntry("data-0-cluster-controller-3", "100Gi");
        assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("data-0-cluster-broker-0").get().getMetadata()
                .getAnnotations()).containsKey(KubernetesClaims.GROWN_AT);

        // still past the threshold (this disk did not really grow), but within the cooldown: no second growth, and a Warning
        KafkaStatuses.Outcome again = reconcileOnce();
        assertThat(claimSizes()).containsEntry("data-0-cluster-broker-0", "110Gi");
        assertThat(kafka().getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Warning");
            assertThat(c.getReason()).isEqualTo("VolumeGrowthCoolingDown");
            assertThat(c.getMessage()).contains("data-0-cluster-broker-", "% full", "grows again from");
        });
        assertThat(again.condition("Ready").orElseThrow().getStatus()).isEqualTo("True");

        // the manifest's 100Gi is below what the claims were grown to: not a shrink; a size raised by hand is applied
        change(null, p -> ((io.strimzi.api.kafka.model.kafka.JbodStorage) p.getSpec().getStorage()).getVolumes().stream()
                .map(v -> (io.strimzi.api.kafka.model.kafka.PersistentClaimStorage) v).forEach(v -> v.setSize("150Gi")));
        reconcileUntilReady();
        assertThat(claimSizes()).containsEntry("data-0-cluster-broker-0", "150Gi").containsEntry("data-0-cluster-broker-2", "150Gi")
                .containsEntry("data-0-cluster-controller-3", "100Gi");
        assertThat(podUids()).as("no pod was replaced").isEqualTo(uids);
        assertThat(kubelet.stoppedSince(from)).as("no Kafka process was restarted").isEmpty();
    }

    /**
     * The operator stopped in the middle of a roll (its thread interrupted once two pods were replaced, as when its
     * pod is deleted), and a new instance with nothing of the first one's memory takes over: it finishes the roll from
     * what the pods and Kafka say, and no pod is replaced twice.
     */
    @Test
    @Order(10)
    void aNewOperatorInstanceTakingOverInTheMiddleOfARollFinishesItAndReplacesNoPodTwice() throws Exception {
        reconcileUntilReady();
        Map<String, String> uids = podUids();
        int from = kubelet.events.size();
        change(k -> k.getSpec().getKafka().getConfig().put("auto.create.topics.enable", true), null);
        Thread first = Thread.ofPlatform().name("first-operator").start(() -> {
            try {
                reconcileOnce();
            } catch (RuntimeException e) {
                // stopped in the middle: what it managed to write is all there is
            }
        });
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> kubelet.stoppedSince(from).size() >= 2);
        first.interrupt();
        first.join(120_000);
        assertThat(first.isAlive()).isFalse();
        List<String> byFirst = kubelet.stoppedSince(from);
        assertThat(byFirst).as("stopped in the middle").hasSizeLessThan(uids.size());

        KafkaReconciliation second = cluster.newOperatorInstance();
        cluster.reconcileUntilReady(second);
        List<String> stopped = kubelet.stoppedSince(from);
        assertThat(stopped).as("each pod once").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(uids.keySet());
        assertThat(stopped.subList(0, byFirst.size())).isEqualTo(byFirst);
        assertThat(podUids()).allSatisfy((pod, uid) -> assertThat(uid).as(pod).isNotEqualTo(uids.get(pod)));
        try (Admin admin = kubelet.cluster().admin()) {
            for (int b : List.of(0, 1, 2)) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b));
                assertThat(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get("auto.create.topics.enable").value())
                        .isEqualTo("true");
            }
        }
    }

    /**
     * The operator stopped while Kafka moves a partition off a broker that leaves (throttled to 1 MiB/s, with more data
     * than Kafka lets through at once), and a new instance takes over: the broker is drained and removed, no other pod
     * is replaced, and every acknowledged record is there.
     */
    @Test
    @Order(11)
    void aNewOperatorInstanceTakingOverInTheMiddleOfADrainRemovesTheBrokerWithNothingLost() throws Exception {
        reconcileUntilReady();
        // an id no earlier test used: the stand-in pods keep a removed node's directory, which a real pod's new claim would not
        change(null, p -> {
            p.getSpec().setReplicas(4);
            Map<String, String> annotations = new java.util.HashMap<>(p.getMetadata().getAnnotations() == null ? Map.of()
                    : p.getMetadata().getAnnotations());
            annotations.put(io.keks.model.NodeIdAssigner.NEXT_NODE_IDS, "[20]");
            p.getMetadata().setAnnotations(annotations);
        });
        reconcileUntilReady();
        int leaving = 20;
        assertThat(pool("broker").getStatus().getNodeIds()).contains(leaving);
        String topic = "takeover-drain";
        var client = kubelet.cluster().connections().clientProperties(null);
        try (Admin admin = kubelet.cluster().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(leaving, 0, 1))))).all().get(30, TimeUnit.SECONDS);
        }
        Set<String> filled = io.keks.local.TestRecords.fill(client, topic, 16 << 20);
        Map<String, String> uids = podUids();
        int from = kubelet.events.size();
        change(null, p -> p.getSpec().setReplicas(3));
        KafkaReconciliation first = cluster.newOperatorInstance(1L << 20);
        Thread firstThread = Thread.ofPlatform().name("first-operator").start(() -> {
            try {
                cluster.reconcileOnce(first);
            } catch (RuntimeException e) {
                // stopped in the middle: what it managed to write is all there is
            }
        });
        try (Admin admin = kubelet.cluster().admin()) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS).isEmpty());
        }
        firstThread.interrupt();
        firstThread.join(120_000);
        assertThat(firstThread.isAlive()).isFalse();
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).as("stopped in the middle").contains("cluster-broker-" + leaving);

        cluster.reconcileUntilReady(cluster.newOperatorInstance());
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).doesNotContain("cluster-broker-" + leaving);
        assertThat(kubelet.stoppedSince(from)).containsExactly("cluster-broker-" + leaving);
        Map<String, String> after = podUids();
        after.forEach((pod, uid) -> assertThat(uid).as(pod + " is not replaced by a drain").isEqualTo(uids.get(pod)));
        try (Admin admin = kubelet.cluster().admin()) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().get(0)
                    .replicas()).extracting(n -> n.id()).hasSize(3).doesNotContain(leaving);
            ConfigResource t = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(t)).all().get(30, TimeUnit.SECONDS).get(t).get("leader.replication.throttled.replicas")
                    .source()).as("no throttle left behind").isNotEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        Set<String> read = io.keks.local.TestRecords.readAll(client, topic);
        assertThat(filled).isNotEmpty();
        assertThat(read).as("every acknowledged record").containsAll(filled);
    }

    /**
     * Two of three brokers killed at once, on Kubernetes nodes that are lost (so nothing starts them again): the Kafka's
     * conditions name the partitions that cannot take writes and the brokers they wait for, until the nodes return.
     */
    @Test
    @Order(12)
    void twoOfThreeBrokersGoneShowAsConditionsNamingThePartitionsThatCannotTakeWrites() throws Exception {
        reconcileUntilReady();
        String topic = "two-gone";
        try (Admin admin = kubelet.cluster().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<String> gone = List.of("cluster-broker-1", "cluster-broker-2");
        try {
            kubelet.onLostNodes.addAll(gone);
            for (int b : List.of(1, 2)) {
                ProcessHandle p = kubelet.cluster().process(b).orElseThrow();
                p.destroyForcibly();
                p.onExit().join();
            }
            // until Kafka fenced them (its session timeout) and a pass read the partitions after that
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                reconcileOnce();
                assertThat(kafka().getStatus().getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Warning");
                    assertThat(c.getReason()).isEqualTo("PartitionsUnderMinIsr");
                    // the topics of earlier tests are under min ISR too, and only the first five are named
                    assertThat(c.getMessage()).containsPattern("^\\d+ partitions? ha(s|ve) fewer in-sync replicas than min.insync.replicas: ")
                            .contains("(1 of min 2)", "Brokers 1, 2, which hold replicas of them, are not serving");
                });
            });
        } finally {
            kubelet.onLostNodes.removeAll(gone);
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            reconcileOnce();
            assertThat(kafka().getStatus().getConditions()).noneSatisfy(c -> assertThat(c.getReason()).startsWith("Partitions"));
        });
    }

    static Map<String, String> claimSizes() {
        Map<String, String> m = new java.util.TreeMap<>();
        client.persistentVolumeClaims().inNamespace(NS).list().getItems().forEach(c -> m.put(c.getMetadata().getName(),
                c.getSpec().getResources().getRequests().get("storage").toString()));
        return m;
    }
}
