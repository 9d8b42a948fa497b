package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed blueprint's cluster, started once with {@code keks up -d} as real Kafka processes and
 * shared by every test here. The last test stops and restarts it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXAMPLES = System.getProperty("keks.install.dir", "..") + "/examples";
    static Path home;
    static int shift;
    static final Set<String> produced = new ConcurrentSkipListSet<>();

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-seed-test");
        System.setProperty("keks.home", home.toString());
        shift = io.keks.local.PortShifts.free();
        // a heap other than the default, which every later apply must keep
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(shift), "--max-heap", "640m",
                "-f", EXAMPLES + "/kafka-manifests", "-f", EXAMPLES + "/kafka-topics.yaml");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Kafka cluster cluster is ready", "kafkatopic/test-topic ready (12 partitions, 3 replicas)");
    }

    @AfterAll
    static void down() throws IOException {
        downDeletingData(home);
    }

    /** After a test class: its cluster stopped and deleted, and whatever a failure left running killed. */
    static void downDeletingData(Path home) throws IOException {
        try {
            KeksCli.run("down", "--delete-data");
        } finally {
            killLeftovers(home);
        }
    }

    /** Whatever a failed test left running is stopped by its recorded pid, never by a name pattern. */
    static void killLeftovers(Path home) throws IOException {
        io.keks.local.TestHomes.killAndDelete(home);
    }

    static LocalCluster cluster() throws IOException {
        return LocalCluster.open(ClusterHome.fromEnvironment(), "cluster");
    }

    /** The last {@code lines} lines of a log, for a failure's message. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static JsonNode status() throws IOException {
        KeksCli.Result r = KeksCli.run("status", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    @Order(1)
    void statusShowsAReadyKRaftClusterOfThreeControllersAndThreeBrokersOnThreeRacks() throws IOException {
        JsonNode s = status();
        assertThat(s.path("ready").asBoolean()).isTrue();
        assertThat(s.path("metadataState").asText()).isEqualTo("KRaft");
        assertThat(s.path("kafkaVersion").asText()).isEqualTo("4.4.0");
        assertThat(s.path("bootstrap").asText()).isEqualTo("127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d",
                9092 + shift, 9192 + shift, 9292 + shift);
        List<JsonNode> nodes = new ArrayList<>();
        s.path("nodes").forEach(nodes::add);
        assertThat(nodes).extracting(n -> n.path("id").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(nodes).allSatisfy(n -> {
            assertThat(n.path("state").asText()).isEqualTo("Running");
            assertThat(ProcessHandle.of(n.path("pid").asLong())).isPresent();
        });
        assertThat(nodes.subList(0, 3)).extracting(n -> n.path("pool").asText() + "/" + n.path("rack").asText())
                .containsExactly("broker/zone-a", "broker/zone-b", "broker/zone-c");
        assertThat(nodes.subList(3, 6)).extracting(n -> n.path("roles").get(0).asText()).containsOnly("controller");
        // each broker reports the volume of its log directory, as df would; controllers have no log directory to report
        long free = Files.getFileStore(home).getUsableSpace();
        long size = Files.getFileStore(home).getTotalSpace();
        assertThat(nodes.subList(0, 3)).allSatisfy(n -> {
            assertThat(n.path("disks")).hasSize(1);
            JsonNode d = n.path("disks").get(0);
            assertThat(d.path("broker").asInt()).isEqualTo(n.path("id").asInt());
            assertThat(d.path("dir").asText()).startsWith(home.resolve("clusters/cluster/nodes/" + n.path("id").asInt()).toString());
            assertThat(d.path("totalBytes").asLong()).isEqualTo(size);
            assertThat(d.path("usableBytes").asLong()).isBetween(0L, size).isCloseTo(free, org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(d.path("error").isNull()).isTrue();
        });
        assertThat(nodes.subList(3, 6)).allSatisfy(n -> assertThat(n.path("disks")).isEmpty());
        String table = KeksCli.run("status").out();
        assertThat(table).contains("DISK").containsPattern("cluster-broker-0 .* \\d+% of \\d+(\\.\\d)?[GT]");
    }

    @Test
    @Order(4)
    void testTopicHasTwelvePartitionsOfThreeReplicasOnThreeRacksWithMinIsrTwo() throws Exception {
        try (Admin admin = cluster().admin()) {
            Map<Integer, String> rackOf = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .collect(Collectors.toMap(Node::id, Node::rack));
            TopicDescription d = admin.describeTopics(List.of("test-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("test-topic");
            assertThat(d.partitions()).hasSize(12);
            assertThat(d.partitions()).allSatisfy(p -> {
                assertThat(p.replicas()).hasSize(3);
                assertThat(p.replicas().stream().map(n -> rackOf.get(n.id())).collect(Collectors.toSet()))
                        .containsExactlyInAnyOrder("zone-a", "zone-b", "zone-c");
            });
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "test-topic");
            var config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    @Test
    @Order(3)
    void getWithOutputPrintsTheResourcesAsTheApiServesThemWithTheirStatus() throws Exception {
        CrdSchemas schemas = new CrdSchemas();
        JsonNode status = status();
        KeksCli.Result k = KeksCli.run("get", "kafka", "-o", "json");
        assertThat(k.exitCode()).as(k.err()).isZero();
        JsonNode kafkas = JSON.readTree(k.out());
        assertThat(kafkas.path("kind").asText()).isEqualTo("List");
        assertThat(kafkas.path("items")).hasSize(1);
        JsonNode kafka = kafkas.path("items").get(0);
        assertThat(kafka.path("kind").asText()).isEqualTo("Kafka");
        assertThat(kafka.path("spec").path("kafka").path("config").path("min.insync.replicas").asInt()).isEqualTo(2);
        assertThat(kafka.path("status").path("clusterId").asText()).isEqualTo(status.path("clusterId").asText());
        assertThat(kafka.path("status").path("kafkaMetadataState").asText()).isEqualTo("KRaft");
        assertThat(kafka.path("status").path("conditions").get(0).path("type").asText()).isEqualTo("Ready");
        assertThat(kafka.path("status").path("conditions").get(0).path("status").asText()).isEqualTo("True");
        assertThat(kafka.path("status").path("listeners").findValuesAsText("bootstrapServers"))
                .containsExactly(status.path("listeners").get(0).path("bootstrap").asText(),
                        status.path("listeners").get(1).path("bootstrap").asText());
        assertThat(kafka.path("status").path("kafkaNodePools").findValuesAsText("name")).containsExactlyInAnyOrder("broker", "controller");
        assertThat(schemas.undeclared(kafka)).isEmpty();

        KeksCli.Result p = KeksCli.run("get", "knp", "broker", "-o", "yaml");
        assertThat(p.exitCode()).as(p.err()).isZero();
        JsonNode pool = ResourceOutput.YAML.readTree(p.out());
        assertThat(pool.path("kind").asText()).isEqualTo("KafkaNodePool");
        assertThat(pool.path("status").path("nodeIds").toString()).isEqualTo("[0,1,2]");
        assertThat(pool.path("status").path("roles").toString()).isEqualTo("[\"broker\"]");
        assertThat(pool.path("status").path("replicas").asInt()).isEqualTo(3);
        assertThat(schemas.undeclared(pool)).isEmpty();

        KeksCli.Result t = KeksCli.run("get", "kafkatopic", "test-topic", "-o", "yaml");
        assertThat(t.exitCode()).as(t.err()).isZero();
        JsonNode topic = ResourceOutput.YAML.readTree(t.out());
        String topicId;
        try (Admin admin = cluster().admin()) {
            topicId = admin.describeTopics(List.of("test-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("test-topic")
                    .topicId().toString();
        }
        assertThat(topic.path("status").path("topicName").asText()).isEqualTo("test-topic");
        assertThat(topic.path("status").path("topicId").asText()).isEqualTo(topicId);
        assertThat(topic.path("status").path("conditions").get(0).path("status").asText()).isEqualTo("True");
        assertThat(schemas.undeclared(topic)).isEmpty();

        KeksCli.Result table = KeksCli.run("get", "kt", "test-topic");
        assertThat(table.out()).startsWith("NAME ").contains("test-topic").hasLineCount(2);
        KeksCli.Result missing = KeksCli.run("get", "kt", "no-such-topic", "-o", "json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("kafkatopic \"no-such-topic\" not found in cluster cluster");
        KeksCli.Result format = KeksCli.run("get", "kt", "-o", "wide");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("use -o json or -o yaml");
    }

    @Test
    @Order(2)
    void theAdminApiTellsPartitionsUnderMinIsrWithNoMetricsAsKafkaCountsThem() throws Exception {
        try (Admin admin = cluster().admin()) {
            io.keks.engine.ClusterHealth health = new io.keks.engine.ClusterHealth(admin, 30_000);
            io.keks.engine.ClusterHealth.Look before = health.look();
            assertThat(before.activeController()).hasValue(status().path("activeController").asInt());
            assertThat(before.brokersServing()).isEqualTo(3);
            assertThat(before.underReplicated()).isZero();
            assertThat(before.offline()).isZero();
            assertThat(before.underMinIsr()).isZero();
            assertThat(before.brokers()).containsOnlyKeys(0, 1, 2);
            // a topic made by hand whose min.insync.replicas its 3 replicas can never reach
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("strict-by-hand", 4, (short) 3)
                    .configs(Map.of("min.insync.replicas", "4")))).all().get(30, TimeUnit.SECONDS);
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    io.keks.engine.ClusterHealth.Look after = health.look();
                    assertThat(after.underMinIsr()).isEqualTo(4);
                    assertThat(after.underReplicated()).isZero();
                    assertThat(after.partitions()).isEqualTo(before.partitions() + 4);
                    int replicas = after.brokers().values().stream().mapToInt(io.keks.engine.ClusterHealth.BrokerLoad::replicas).sum();
                    assertThat(replicas).isEqualTo(before.brokers().values().stream()
                            .mapToInt(io.keks.engine.ClusterHealth.BrokerLoad::replicas).sum() + 12);
                });
            } finally {
                admin.deleteTopics(List.of("strict-by-hand")).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(5)
    void produceAndConsumeThroughTheCliWithAcksAll() throws IOException {
        KeksCli.Result p = KeksCli.runWithInput("alpha\nbravo\ncharlie\n", "produce", "test-topic");
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.err()).contains("3 record(s) sent to test-topic (acks=all)");
        produced.addAll(List.of("alpha", "bravo", "charlie"));

        KeksCli.Result c = KeksCli.run("consume", "test-topic", "--from-beginning", "--max-messages", "3");
        assertThat(c.exitCode()).isZero();
        assertThat(c.out().lines()).containsExactlyInAnyOrder("alpha", "bravo", "charlie");
    }

    @Test
    @Order(6)
    void aGroupConsumerCommitsExactlyTheRecordsItPrinted() throws IOException {
        KeksCli.runWithInput("g1\ng2\ng3\n", "produce", "group-topic");
        KeksCli.Result first = KeksCli.run("consume", "group-topic", "--group", "audit", "--from-beginning", "--max-messages", "1");
        KeksCli.Result rest = KeksCli.run("consume", "group-topic", "--group", "audit", "--from-beginning", "--max-messages", "2");
        assertThat(first.out().lines()).hasSize(1);
        List<String> all = new ArrayList<>(first.out().lines().toList());
        all.addAll(rest.out().lines().toList());
        assertThat(all).containsExactlyInAnyOrder("g1", "g2", "g3");
    }

    @Test
    @Order(7)
    void aBrokerKilledWithSigkillIsRestartedAndNoAcknowledgedRecordIsLost() throws Exception {
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "test-topic", "kill");
        load.awaitAcked(200);

        long oldPid = status().path("nodes").get(1).path("pid").asLong();
        ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();

        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                last[0] = status().path("nodes").get(1);
                return last[0].path("pid").asLong() != oldPid && last[0].path("state").asText().equals("Running");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // what the supervisor and the broker said meanwhile: the only record of a failure seen in CI alone
            throw new AssertionError("broker 1 was not back within 120 s; last status of it: " + last[0]
                    + "\n--- supervisor.log ---\n" + tail(home.resolve("clusters/cluster/supervisor.log"), 40)
                    + "\n--- broker 1 kafka.log ---\n" + tail(cluster().logFile(1), 80), e);
        }
        assertThat(status().path("nodes").get(1).path("restarts").asInt()).isEqualTo(1);
        load.awaitAcked(200).close();
        produced.addAll(load.acked());

        assertEveryRecordReadBack("test-topic", load.acked());
    }

    @Test
    @Order(8)
    void applyGrowsPartitionsAndChangesConfigButRefusesToShrink() throws Exception {
        Path dir = Files.createTempDirectory(home, "topics");
        Path grow = dir.resolve("orders.yaml");
        Files.writeString(grow, topic("orders", 3, "retention.ms: 3600000"));
        assertThat(KeksCli.run("apply", "-f", grow.toString()).exitCode()).isZero();

        Files.writeString(grow, topic("orders", 6, "retention.ms: 7200000"));
        KeksCli.Result grown = KeksCli.run("apply", "-f", grow.toString());
        assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("kafkatopic/orders ready (6 partitions, 3 replicas)");
        try (Admin admin = cluster().admin()) {
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("orders").partitions()).hasSize(6);
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            assertThat(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
                    .get("retention.ms").value()).isEqualTo("7200000");
        }

        Files.writeString(grow, topic("orders", 2, "retention.ms: 7200000"));
        KeksCli.Result shrink = KeksCli.run("apply", "-f", grow.toString());
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.out()).contains("kafkatopic/orders NOT ready: NotSupported: Kafka cannot decrease partitions:"
                + " the topic has 6, the KafkaTopic asks for 2");
        KeksCli.Result list = KeksCli.run("get", "kafkatopics");
        assertThat(list.out()).containsPattern("orders\\s+cluster\\s+2\\s+3\\s+False")
                .containsPattern("test-topic\\s+cluster\\s+12\\s+3\\s+True");
        // put the manifest back in line with the topic so the restart below reconciles cleanly
        Files.writeString(grow, topic("orders", 6, "retention.ms: 7200000"));
        assertThat(KeksCli.run("apply", "-f", grow.toString()).exitCode()).isZero();
    }

    @Test
    @Order(9)
    void aBadManifestIsRefusedWithItsLineAndTheClusterIsUntouched() throws Exception {
        Path bad = Files.createTempDirectory(home, "bad").resolve("bad.yaml");
        Files.writeString(bad, topic("orders", 6, "retention.ms: 7200000").replace("replicas: 3", "replicas: three"));
        KeksCli.Result r = KeksCli.run("apply", "-f", bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":9: spec.replicas: expected an integer, got the string \"three\"");
        assertThat(status().path("ready").asBoolean()).isTrue();
    }

    static String topic(String name, int partitions, String config) {
        return kafkaTopic(name, null, partitions, 3, config, null);
    }

    @Test
    @Order(10)
    void theClientPropertiesFilesLetAnyKafkaClientUseEachListener() throws Exception {
        Path dir = home.resolve("clusters/cluster");
        Properties tls = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("clients/tls.properties"))) {
            tls.load(r);
        }
        assertThat(tls.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(tls.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d",
                9093 + shift, 9193 + shift, 9293 + shift);
        assertThat(Files.readString(dir.resolve("client.properties"))).isEqualTo(Files.readString(dir.resolve("clients/plain.properties")));
        assertThat(Files.getPosixFilePermissions(dir.resolve("clients/tls.properties")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        tls.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(tls, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("tls-file-topic", "over-tls")).get(60, TimeUnit.SECONDS);
        }
        KeksCli.Result c = KeksCli.run("consume", "tls-file-topic", "--listener", "tls", "--from-beginning", "--max-messages", "1");
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out().lines()).containsExactly("over-tls");
    }

    static List<io.keks.engine.metrics.PrometheusText.Sample> scrape(String url) throws Exception {
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return io.keks.engine.metrics.PrometheusText.parse(response.body());
    }

    static double sum(List<io.keks.engine.metrics.PrometheusText.Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(io.keks.engine.metrics.PrometheusText.Sample::value).sum();
    }

    @Test
    @Order(11)
    void everyNodeServesPrometheusMetricsWithTheRulesOfTheKafkaMetricsConfigMap() throws Exception {
        String records = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "m" + i + "\n").collect(Collectors.joining());
        KeksCli.Result produce = KeksCli.runWithInput(records, "produce", "metrics-topic");
        assertThat(produce.exitCode()).as(produce.err()).isZero();
        JsonNode s = status();
        int active = s.path("activeController").asInt();
        Map<Integer, List<io.keks.engine.metrics.PrometheusText.Sample>> scrapes = new HashMap<>();
        for (JsonNode n : s.path("nodes")) {
            int id = n.path("id").asInt();
            assertThat(n.path("metricsUrl").asText()).isEqualTo("http://127.0.0.1:%d/metrics", 9404 + shift + 100 * id);
            scrapes.put(id, scrape(n.path("metricsUrl").asText()));
        }
        for (var e : scrapes.entrySet()) {
            var m = e.getValue();
            // every node: its JVM and the quorum as it sees it
            double heap = io.keks.engine.metrics.PrometheusText.value(m, "jvm_memory_used_bytes", Map.of("area", "heap")).orElseThrow();
            assertThat(heap).as("node %d heap", e.getKey()).isPositive().isLessThanOrEqualTo(640.0 * 1024 * 1024);
            assertThat(io.keks.engine.metrics.PrometheusText.value(m, "kafka_server_raft_metrics_current_leader", Map.of()))
                    .as("node %d sees the active controller as quorum leader", e.getKey()).hasValue((double) active);
            assertThat(io.keks.engine.metrics.PrometheusText.value(m, "kafka_server_raft_metrics_high_watermark", Map.of()).orElseThrow())
                    .isPositive();
        }
        // the controllers: exactly one active, the one `keks status` names
        for (int id : List.of(3, 4, 5)) {
            assertThat(io.keks.engine.metrics.PrometheusText.value(scrapes.get(id), "kafka_controller_kafkacontroller_activecontrollercount", Map.of()))
                    .as("controller %d", id).hasValue(id == active ? 1.0 : 0.0);
        }
        List<io.keks.engine.metrics.PrometheusText.Sample> brokers = new ArrayList<>();
        List.of(0, 1, 2).forEach(id -> brokers.addAll(scrapes.get(id)));
        // each record just produced, counted once where its partition leader appended it
        assertThat(sum(brokers, "kafka_server_brokertopicmetrics_messagesin_total", Map.of("topic", "metrics-topic"))).isEqualTo(25.0);
        assertThat(sum(brokers, "kafka_server_brokertopicmetrics_bytesin_total", Map.of())).isPositive();
        try (Admin admin = cluster().admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(admin.listTopics(
                    new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            // every replica of test-topic is on a broker that reports its size; every replica counts on its broker
            long testTopicReplicas = topics.get("test-topic").partitions().stream().mapToLong(p -> p.replicas().size()).sum();
            assertThat(brokers.stream().filter(x -> x.name().equals("kafka_log_log_size") && "test-topic".equals(x.label("topic"))))
                    .hasSize((int) testTopicReplicas);
            long replicas = topics.values().stream().flatMap(t -> t.partitions().stream()).mapToLong(p -> p.replicas().size()).sum();
            assertThat(sum(brokers, "kafka_server_replicamanager_partitioncount", Map.of())).isEqualTo((double) replicas);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            double under = 0;
            for (int id : List.of(0, 1, 2)) {
                under += sum(scrape(s.path("nodes").get(id).path("metricsUrl").asText()), "kafka_server_replicamanager_underreplicatedpartitions", Map.of());
            }
            assertThat(under).isZero();
        });
    }

    @Test
    @Order(12)
    void theConsumerLagExporterReportsTheExactLagOfAGroupThatStoppedConsuming() throws Exception {
        String records = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "lag" + i + "\n").collect(Collectors.joining());
        assertThat(KeksCli.runWithInput(records, "produce", "lag-topic").exitCode()).isZero();
        KeksCli.Result read = KeksCli.run("consume", "lag-topic", "--group", "lagging", "--from-beginning", "--max-messages", "12");
        assertThat(read.out().lines()).hasSize(12);
        String url = status().path("exporterUrl").asText();
        assertThat(url).isEqualTo("http://127.0.0.1:%d/metrics", 9308 + shift);
        Map<String, String> group = Map.of("consumergroup", "lagging", "topic", "lag-topic");
        // the exporter polls on an interval: wait for a poll after the group's commit
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(sum(scrape(url), "kafka_consumergroup_current_offset_sum", group)).isEqualTo(12.0));
        var m = scrape(url);
        assertThat(sum(m, "kafka_consumergroup_lag_sum", group)).isEqualTo(18.0);
        assertThat(sum(m, "kafka_consumergroup_lag", group)).isEqualTo(18.0);
        assertThat(sum(m, "kafka_topic_partition_current_offset", Map.of("topic", "lag-topic"))).isEqualTo(30.0);
        assertThat(sum(m, "kafka_topic_partition_oldest_offset", Map.of("topic", "lag-topic"))).isZero();
        assertThat(io.keks.engine.metrics.PrometheusText.value(m, "kafka_consumergroup_members", Map.of("consumergroup", "lagging")))
                .hasValue(0.0);
        assertThat(io.keks.engine.metrics.PrometheusText.value(m, "kafka_brokers", Map.of())).hasValue(3.0);
        assertThat(io.keks.engine.metrics.PrometheusText.value(m, "kafka_exporter_build_info", Map.of("version", "keks"))).hasValue(1.0);
        assertThat(io.keks.engine.metrics.PrometheusText.named(m, "kafka_topic_partition_replicas").stream()
                .filter(x -> "test-topic".equals(x.label("topic")))).isNotEmpty().allSatisfy(x -> assertThat(x.value()).isEqualTo(3.0));
        assertThat(io.keks.engine.metrics.PrometheusText.value(m, "keks_lag_exporter_last_poll_success", Map.of())).hasValue(1.0);
        // each broker's log directory as the broker reports it: this machine's filesystem, none offline
        long size = Files.getFileStore(home).getTotalSpace();
        var totals = io.keks.engine.metrics.PrometheusText.named(m, "keks_log_dir_total_bytes");
        assertThat(totals).extracting(x -> x.label("broker")).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(totals).allSatisfy(x -> assertThat(x.value()).isEqualTo((double) size));
        assertThat(io.keks.engine.metrics.PrometheusText.named(m, "keks_log_dir_usable_bytes")).hasSize(3)
                .allSatisfy(x -> assertThat(x.value()).isPositive().isLessThan((double) size));
        assertThat(io.keks.engine.metrics.PrometheusText.named(m, "keks_log_dir_offline")).hasSize(3)
                .allSatisfy(x -> assertThat(x.value()).isZero());
    }

    /**
     * The series a PromQL expression queries from keks, as patterns of names: a name, or the regular expression of a
     * {@code {__name__=~"..."}} matcher (which takes either of two namings); other quoted label values are not names.
     */
    static Set<String> keksSeries(String expr) {
        Set<String> out = new HashSet<>();
        Matcher named = Pattern.compile("__name__=~\"([^\"]+)\"").matcher(expr);
        while (named.find()) {
            out.add(named.group(1));
        }
        var m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
        while (m.find()) {
            String name = m.group();
            if (name.startsWith("kafka_") || name.startsWith("keks_") || name.startsWith("jvm_") || name.startsWith("process_")) {
                out.add(Pattern.quote(name));
            }
        }
        return out;
    }

    static final Path MONITORING = Path.of(System.getProperty("keks.install.dir", ".."), "deploy", "monitoring");

    /** Every alert's expression by alert name, from the PrometheusRules of deploy/monitoring/rules. */
    static Map<String, String> alertExpressions() throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(MONITORING.resolve("rules"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (JsonNode group : new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(f.toFile())
                        .path("spec").path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        if (rule.has("alert")) {
                            out.put(rule.path("alert").asText(), rule.path("expr").asText());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A real Prometheus scraping the six nodes and the lag exporter as the PodMonitors would, with keks' PrometheusRules. */
    static LocalPrometheus prometheus() throws Exception {
        JsonNode s = status();
        List<LocalPrometheus.Target> targets = new ArrayList<>();
        for (JsonNode n : s.path("nodes")) {
            targets.add(new LocalPrometheus.Target(URI.create(n.path("metricsUrl").asText()).getAuthority(), n.path("name").asText()));
        }
        targets.add(new LocalPrometheus.Target(URI.create(s.path("exporterUrl").asText()).getAuthority(), "cluster-kafka-exporter"));
        try (Stream<Path> rules = Files.list(MONITORING.resolve("rules"))) {
            return LocalPrometheus.start("kafka", "cluster", targets, rules.filter(p -> p.toString().endsWith(".yaml")).sorted().toList());
        }
    }

    /**
     * Every panel of the Kafka, KRaft and consumer-lag dashboards, run in Prometheus as Grafana runs it, returns
     * series, and so do their variables; every series an alert names is scraped. The disk panel that reads the
     * kubelet's volume statistics is left out: only Kubernetes has those.
     */
    static void everyPanelAndAlertFindsSeries(LocalPrometheus prometheus, String rules) throws Exception {
        int panels = 0;
        for (String board : List.of("kafka.json", "kraft.json", "consumer-lag.json")) {
            JsonNode dashboard = JSON.readTree(MONITORING.resolve("dashboards").resolve(board).toFile());
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                Matcher q = Pattern.compile("label_values\\((.+), (\\w+)\\)").matcher(variable.path("query").path("query").asText());
                if (q.matches()) {
                    String selector = q.group(1);
                    for (var v : LocalPrometheus.dashboardVariables().entrySet()) {
                        selector = selector.replace(v.getKey(), v.getValue());
                    }
                    assertThat(prometheus.labelValues(q.group(2), selector)).as(rules + ", " + board + " variable "
                            + variable.path("name").asText()).isNotEmpty();
                }
            }
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    if (expr.isEmpty() || expr.contains("kubelet_volume_stats")) {
                        continue;
                    }
                    for (var v : LocalPrometheus.dashboardVariables().entrySet()) {
                        expr = expr.replace(v.getKey(), v.getValue());
                    }
                    JsonNode result = prometheus.query(expr);
                    String all = expr.replaceFirst("\\s*(>|==|!=|<)\\s*[0-9.]+\\s*$", "");
                    if (result.isEmpty() && !all.equals(expr)) {
                        // a list of what is wrong (lagging partitions, replicas out of sync) is empty on a healthy
                        // cluster: the series it filters must still be there
                        result = prometheus.query(all);
                    }
                    assertThat(result).as(rules + ", " + board + ": " + panel.path("title").asText() + ": " + expr).isNotEmpty();
                    panels++;
                }
            }
        }
        assertThat(panels).as("dashboard queries run").isGreaterThan(45);
        Set<String> scraped = new HashSet<>();
        prometheus.query("count by (__name__) ({__name__=~\".+\"})").forEach(x -> scraped.add(x.path("metric").path("__name__").asText()));
        alertExpressions().forEach((alert, expr) -> assertThat(keksSeries(expr)).as(rules + ", alert " + alert).allSatisfy(series ->
                assertThat(scraped).as(rules + ", alert " + alert + " queries " + series).anyMatch(n -> n.matches(series))));
    }

    @Test
    @Order(13)
    void everyDashboardPanelAndAlertFindsSeriesInPrometheusUnderKeksRulesAndUnderStrimziNaming() throws Exception {
        try (LocalPrometheus prometheus = prometheus()) {
            everyPanelAndAlertFindsSeries(prometheus, "keks' rules");
        }
        // Strimzi's example metrics ConfigMap names series otherwise: the same ConfigMap with such rules, which the
        // agents in the running nodes read without a restart
        Map<Integer, Long> pids = nodePids();
        Path strimziNaming = Path.of("src", "test", "resources", "strimzi-naming-metrics.yaml").toAbsolutePath();
        try {
            KeksCli.Result applied = KeksCli.run("apply", "-f", strimziNaming.toString());
            assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (JsonNode n : status().path("nodes")) {
                    Set<String> names = scrape(n.path("metricsUrl").asText()).stream().map(x -> x.name()).collect(Collectors.toSet());
                    assertThat(names).as(n.path("name").asText()).contains("kafka_server_raftmetrics_current_leader")
                            .doesNotContain("kafka_server_raft_metrics_current_leader");
                }
            });
            try (LocalPrometheus prometheus = prometheus()) {
                everyPanelAndAlertFindsSeries(prometheus, "Strimzi's naming");
                // what Strimzi's own dashboards query beyond keks': the per-partition and disk gauges, the _percent
                // idle ratios, the 0.x agent's JVM names (recording rules), the exporter's build and the pod label
                for (String q : List.of("kafka_cluster_partition_underminisr{topic=\"test-topic\"}",
                        "kafka_server_kafkaserver_linux_disk_read_bytes", "kafka_server_kafkaserver_linux_disk_write_bytes",
                        "kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent",
                        "kafka_network_socketserver_networkprocessoravgidle_percent",
                        "kafka_server_raftmetrics_commit_latency_max_total",
                        "sum by (kubernetes_pod_name) (jvm_memory_bytes_used{kubernetes_pod_name=~\"cluster-.*\"})",
                        "kafka_exporter_build_info", "kafka_network_requestmetrics_requests_total")) {
                    assertThat(prometheus.query(q)).as("Strimzi's naming: " + q).isNotEmpty();
                }
                // one per node's JVM (the lag exporter serves no JVM series, as kafka_exporter serves none)
                assertThat(prometheus.query("sum by (kubernetes_pod_name) (jvm_memory_bytes_used)")).hasSize(6);
            }
            assertThat(nodePids()).as("no node restarted for new rules").isEqualTo(pids);
        } finally {
            KeksCli.Result back = KeksCli.run("apply", "-f", EXAMPLES + "/kafka-manifests/kafka-metrics.yaml");
            assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (JsonNode n : status().path("nodes")) {
                    assertThat(scrape(n.path("metricsUrl").asText())).as(n.path("name").asText())
                            .anyMatch(x -> x.name().equals("kafka_server_raft_metrics_current_leader"));
                }
            });
        }
    }

    @Test
    @Order(14)
    void theDashboardPageShowsSixNodesAndLiveThroughputInAHeadlessBrowser() throws Exception {
        String url = status().path("dashboard").asText();
        // 9080 plus the shift, except where browsers refuse the port (10080, for the shift of 1000)
        assertThat(url).isEqualTo("http://127.0.0.1:%d/", 9080 + shift == 10080 ? 10081 : 9080 + shift);
        KeksCli.Result where = KeksCli.run("dashboard");
        assertThat(where.exitCode()).as(where.err()).isZero();
        assertThat(where.out()).contains(url);
        // every asset comes from the supervisor: nothing on the page names another host
        for (String asset : List.of("", "dashboard.js", "dashboard.css")) {
            assertThat(get(url + asset)).as(asset).isNotEmpty().doesNotContain("://");
        }
        // the supervisor looks at the nodes while the page is watched: ask once, then produce between looks
        get(url + "api/glance");
        String records = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "dash" + i + "\n").collect(Collectors.joining());
        assertThat(KeksCli.runWithInput(records, "produce", "test-topic").exitCode()).isZero();
        assertThat(KeksCli.run("consume", "test-topic", "--group", "dashboard-group", "--from-beginning", "--max-messages", "10")
                .exitCode()).isZero();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode g = JSON.readTree(get(url + "api/glance"));
            assertThat(g.path("nodes")).hasSize(6);
            assertThat(g.path("headline").path("brokersOnline").asInt()).isEqualTo(3);
            assertThat(largest(g.path("history").path("messagesIn"))).isPositive();
            // the lag exporter polls on its own interval
            assertThat(g.path("groups").findValuesAsText("group")).contains("dashboard-group");
        });
        JsonNode g = JSON.readTree(get(url + "api/glance"));
        // the controller the Admin API names the quorum's leader
        assertThat(g.path("headline").path("activeController").asInt()).isEqualTo(status().path("activeController").asInt());
        assertThat(g.path("headline").path("underReplicated").asDouble()).isZero();
        assertThat(g.path("headline").path("offlinePartitions").asDouble()).isZero();
        for (JsonNode n : g.path("nodes")) {
            boolean broker = n.path("roles").toString().contains("broker");
            // a broker's fullest log directory, as `keks status` shows it; a controller has none to show
            assertThat(n.path("disk").asText("")).as(n.toString()).matches(broker ? "\\d+% of \\d.*" : "");
            assertThat(n.path("heapUsed").asDouble()).as(n.toString()).isPositive();
            assertThat(n.path("heapUsed").asDouble()).isLessThanOrEqualTo(n.path("heapMax").asDouble());
        }
        JsonNode lag = java.util.stream.StreamSupport.stream(g.path("groups").spliterator(), false)
                .filter(x -> x.path("group").asText().equals("dashboard-group")).findFirst().orElseThrow();
        assertThat(lag.path("lag").asDouble()).isPositive();

        Path artifacts = Path.of("target", "dashboard");
        Files.createDirectories(artifacts);
        String dom = HeadlessChromium.dumpDom(url, artifacts.resolve("profile-dom"), d -> d.contains("<section id=\"nodes\""));
        Files.writeString(artifacts.resolve("dashboard.html"), dom);
        var nodes = java.util.regex.Pattern.compile("<section id=\"nodes\" data-count=\"(\\d+)\"").matcher(dom);
        assertThat(nodes.find()).as(dom).isTrue();
        assertThat(nodes.group(1)).isEqualTo("6");
        var chart = java.util.regex.Pattern.compile("id=\"chart-messages-in\"[^>]*data-max=\"([0-9.e+-]+)\"").matcher(dom);
        assertThat(chart.find()).as(dom).isTrue();
        assertThat(Double.parseDouble(chart.group(1))).isPositive();
        assertThat(dom).contains("3 / 3");
        assertThat(dom).as("the Disk column").containsPattern(">\\d+% of \\d[^<]*</td>");
        Path shot = HeadlessChromium.screenshot(url, artifacts.resolve("dashboard.png"), artifacts.resolve("profile-shot"));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    /** The largest value of a chart's series (an object of arrays, with nulls for gaps). */
    static double largest(JsonNode series) {
        double max = 0;
        for (JsonNode line : series) {
            for (JsonNode v : line) {
                max = Math.max(max, v.asDouble());
            }
        }
        return max;
    }

    static String get(String url) throws Exception {
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    @Test
    @Order(15)
    void aDynamicConfigChangesLiveWithoutRestartsUnderLoad() throws Exception {
        Map<Integer, Long> pids = nodePids();
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "test-topic", "live");
        load.awaitAcked(100);
        Path manifests = seedWithConfig("log.retention.ms: 3600000", "log.cleaner.threads: 2");
        KeksCli.Result r = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("config log.cleaner.threads=2 (cluster-wide, live)", "config log.retention.ms=3600000 (cluster-wide, live)")
                .doesNotContain("need a restart", "restarting");
        assertThat(nodePids()).isEqualTo(pids);
        try (Admin admin = cluster().admin()) {
            for (int broker : List.of(0, 1, 2)) {
                assertThat(brokerConfig(admin, broker, "log.retention.ms").value()).isEqualTo("3600000");
                assertThat(brokerConfig(admin, broker, "log.cleaner.threads").value()).isEqualTo("2");
            }
        }
        // the same manifests again: nothing to change
        KeksCli.Result again = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(again.out()).doesNotContain("(cluster-wide, live)");

        // back to the example: keks removes the overrides it set, and nothing needs a restart
        KeksCli.Result back = KeksCli.run("apply", "-f", EXAMPLES + "/kafka-manifests");
        assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("config log.retention.ms removed", "config log.cleaner.threads removed")
                .doesNotContain("need a restart");
        assertThat(nodePids()).isEqualTo(pids);
        try (Admin admin = cluster().admin()) {
            ConfigEntry retention = brokerConfig(admin, 0, "log.retention.ms");
            assertThat(retention.source()).isNotIn(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                    ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(brokerConfig(admin, 1, "log.cleaner.threads").value()).isEqualTo("1");
        }
        load.awaitAcked(100).close();
        assertThat(load.errors()).isEmpty();
        produced.addAll(load.acked());
        assertEveryRecordReadBack("test-topic", load.acked());
    }

    @Test
    @Order(16)
    void aValueKafkaRefusesChangesNothing() throws Exception {
        Map<Integer, Long> pids = nodePids();
        Path manifests = seedWithConfig("log.retention.ms: 3600000", "log.cleaner.threads: 0");
        KeksCli.Result r = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("config change refused by Kafka, nothing changed");
        assertThat(nodePids()).isEqualTo(pids);
        try (Admin admin = cluster().admin()) {
            // validated before anything was set: the valid entry beside the refused one did not change either
            assertThat(brokerConfig(admin, 0, "log.retention.ms").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        }
        assertThat(KeksCli.run("apply", "-f", EXAMPLES + "/kafka-manifests").exitCode()).isZero();
    }

    @Test
    @Order(17)
    void aReadOnlyChangeRollsEveryNodeOnceInTheSafeOrderWithoutLosingARecord() throws Exception {
        JsonNode before = status();
        int active = before.path("activeController").asInt();
        Map<Integer, Long> pids = nodePids();
        Map<String, Integer> restartsBefore = new HashMap<>();
        before.path("nodes").forEach(n -> restartsBefore.put(n.path("name").asText(), n.path("restarts").asInt()));
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "test-topic", "roll");
        load.awaitAcked(200);

        KeksCli.Result r = KeksCli.run("apply", "-f", seedWithConfig("auto.create.topics.enable: false").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("cluster-broker-0: auto.create.topics.enable", "cluster-controller-5: auto.create.topics.enable",
                "Changing the nodes: 6 node(s) to restart", "done: 6 node(s) restarted");
        List<String> expected = seedRollOrder(active);
        assertThat(restartOrder(r.out())).as(r.out()).containsExactlyElementsOf(expected);

        JsonNode after = status();
        assertThat(after.path("ready").asBoolean()).isTrue();
        Map<String, Long> started = new HashMap<>();
        after.path("nodes").forEach(n -> {
            // a new process, started by the roll and not by a crash restart
            assertThat(n.path("pid").asLong()).isNotEqualTo(pids.get(n.path("id").asInt()));
            assertThat(n.path("restarts").asInt()).isEqualTo(restartsBefore.get(n.path("name").asText()));
            started.put(n.path("name").asText(), n.path("startedAt").asLong());
        });
        assertThat(expected.stream().map(started::get).toList()).isSorted();
        assertThat(after.path("conditions").toString()).doesNotContain("RollingUpdate", "RollFailed");
        after.path("nodes").forEach(n -> {
            assertThat(n.path("kafkaVersion").asText()).isEqualTo("4.4.0");
            assertThat(n.path("pendingRestart")).isEmpty();
        });
        try (Admin admin = cluster().admin()) {
            for (int broker : List.of(0, 1, 2)) {
                assertThat(brokerConfig(admin, broker, "auto.create.topics.enable").value()).isEqualTo("false");
            }
        }
        load.awaitAcked(200).close();
        assertThat(load.errors()).isEmpty();
        produced.addAll(load.acked());
        assertEveryRecordReadBack("test-topic", load.acked());
        kept.add("auto.create.topics.enable: false");
    }

    @Test
    @Order(18)
    void renewingTheClusterCaRestartsEachBrokerOntoANewCertificateWithoutLosingARecord() throws Exception {
        LocalCluster c = cluster();
        Path caDir = c.dir().resolve("ca");
        String password = Files.readString(caDir.resolve("store-password")).trim();
        java.security.KeyStore oldTrust = trustStore(caDir.resolve("truststore.p12"), password);
        java.security.cert.X509Certificate caBefore = (java.security.cert.X509Certificate) oldTrust.getCertificate("ca");
        Map<Integer, java.math.BigInteger> before = new HashMap<>();
        for (int broker : List.of(0, 1, 2)) {
            before.put(broker, served(9093 + 100 * broker + shift, oldTrust).getSerialNumber());
        }
        LoadProducer load = new LoadProducer(c.connections().clientProperties(null), "test-topic", "renew");
        KeksCli.Result r;
        try {
            load.awaitAcked(200);
            r = KeksCli.run("roll", "--renew-ca");
            load.awaitAcked(200);
        } finally {
            load.close();
        }
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        // every node has a certificate: the internal listeners run mutual TLS
        assertThat(r.out()).contains("renewed the cluster CA's certificate", "issued new certificates for 6 node(s)",
                "restarting cluster-controller-3: its certificates are renewed", "done: 6 node(s) restarted");

        java.security.cert.X509Certificate caAfter = (java.security.cert.X509Certificate)
                trustStore(caDir.resolve("truststore.p12"), password).getCertificate("ca");
        assertThat(caAfter.getSerialNumber()).isNotEqualTo(caBefore.getSerialNumber());
        assertThat(caAfter.getPublicKey()).isEqualTo(caBefore.getPublicKey());
        for (int broker : List.of(0, 1, 2)) {
            // a client that kept the trust store it had before the renewal still trusts what each broker serves
            java.security.cert.X509Certificate now = served(9093 + 100 * broker + shift, oldTrust);
            assertThat(now.getSerialNumber()).as("broker " + broker).isNotEqualTo(before.get(broker));
            now.verify(caAfter.getPublicKey());
        }
        assertThat(load.errors()).isEmpty();
        produced.addAll(load.acked());
        assertEveryRecordReadBack("test-topic", load.acked());
        assertThat(status().path("conditions").toString()).doesNotContain("RollFailed");
    }

    static java.security.KeyStore trustStore(Path file, String password) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    /** The certificate a TLS listener serves, checked against {@code trust}. */
    static java.security.cert.X509Certificate served(int port, java.security.KeyStore trust) throws Exception {
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (var socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    @Order(19)
    void aRollHandedOverWithNoWaitShowsInStatusUntilItIsDone() throws Exception {
        Map<Integer, Long> pids = nodePids();
        KeksCli.Result r = KeksCli.run("roll", "cluster-broker-1", "--no-wait");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("`keks status` shows the progress");
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode s = status();
            for (JsonNode c : s.path("conditions")) {
                if (c.path("type").asText().equals("RollingUpdate")) {
                    seen.add(c.path("reason").asText() + ": " + c.path("message").asText());
                }
            }
            for (JsonNode n : s.path("nodes")) {
                if (n.path("pendingRestart").size() > 0) {
                    seen.add(n.path("name").asText() + " pending " + n.path("pendingRestart"));
                }
            }
            return seen.stream().anyMatch(l -> l.startsWith("MANUAL: restarting cluster-broker-1"));
        });
        assertThat(seen).contains("cluster-broker-1 pending [\"MANUAL\"]");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode s = status();
            return s.path("ready").asBoolean() && !s.path("conditions").toString().contains("RollingUpdate");
        });
        Map<Integer, Long> after = nodePids();
        assertThat(after.get(1)).isNotEqualTo(pids.get(1));
        pids.keySet().stream().filter(id -> id != 1).forEach(id -> assertThat(after.get(id)).as("node " + id).isEqualTo(pids.get(id)));
        assertThat(status().path("conditions").toString()).doesNotContain("RollFailed");
    }

    @Test
    @Order(20)
    void aWaitThatRunsOutStopsTheRollAndStatusSaysWhy() throws Exception {
        KeksCli.Result r = KeksCli.run("roll", "cluster-broker-2", "cluster-broker-1", "--timeout", "1");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("error: the roll stopped: timed out after 1 s waiting for cluster-broker-1 to be back and"
                + " caught up", "`keks roll` tries again");
        // broker 2 was never stopped: the roll ends at the first wait that runs out
        assertThat(r.out()).contains("restarting cluster-broker-1").doesNotContain("restarting cluster-broker-2");
        JsonNode s = status();
        assertThat(s.path("conditions").toString()).contains("RollFailed", "stopped after 0 of 2 nodes: timed out after 1 s");
        // the broker was started again and comes back by itself
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> status().path("ready").asBoolean());
    }

    /** The safe order of a roll of the seed's six nodes: controllers with the active one last, then brokers. */
    static List<String> seedRollOrder(int activeController) {
        List<String> order = new ArrayList<>();
        Stream.of(3, 4, 5).filter(id -> id != activeController).forEach(id -> order.add("cluster-controller-" + id));
        order.add("cluster-controller-" + activeController);
        order.addAll(List.of("cluster-broker-0", "cluster-broker-1", "cluster-broker-2"));
        return order;
    }

    /** The nodes in the order the output of a change restarted them. */
    static List<String> restartOrder(String output) {
        return output.lines().map(String::strip).filter(l -> l.startsWith("restarting cluster-"))
                .map(l -> l.substring("restarting ".length(), l.indexOf(':'))).toList();
    }

    /** The example's Kafka and node pools, with these entries added to spec.kafka.config. */
    static Path seedWithConfig(String... entries) throws IOException {
        String extra = Stream.of(entries).map(e -> "      " + e + "\n").collect(Collectors.joining());
        return seedEdited(text -> text.replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n" + extra));
    }

    /**
     * spec.kafka.config entries the running cluster has since the roll test: later manifests keep them,
     * so that only what a test changes differs from what runs.
     */
    static final List<String> kept = new ArrayList<>();

    /** The example's Kafka and node pools, with the {@link #kept} config, as {@code edit} changes their text. */
    static Path seedEdited(java.util.function.UnaryOperator<String> edit) throws IOException {
        Path dir = Files.createTempDirectory(home, "manifests");
        String extra = kept.stream().map(e -> "      " + e + "\n").collect(Collectors.joining());
        try (Stream<Path> files = Files.list(Path.of(EXAMPLES, "kafka-manifests"))) {
            for (Path f : files.toList()) {
                String text = Files.readString(f).replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n" + extra);
                Files.writeString(dir.resolve(f.getFileName()), edit.apply(text));
            }
        }
        return dir;
    }

    /** The example with one node pool's spec text edited ({@code pool} is controller or broker). */
    static Path seedWithPool(String pool, java.util.function.UnaryOperator<String> editSpec) throws IOException {
        return seedEdited(text -> editPool(text, pool, editSpec));
    }

    static String editPool(String text, String pool, java.util.function.UnaryOperator<String> editSpec) {
        int start = text.indexOf("  name: " + pool + "\n");
        if (start < 0) {
            return text; // another file of the example (the metrics ConfigMap)
        }
        int end = text.indexOf("\n---", start) < 0 ? text.length() : text.indexOf("\n---", start);
        String spec = text.substring(start, end);
        assertThat(editSpec.apply(spec)).as("the edit changes pool " + pool).isNotEqualTo(spec);
        return text.substring(0, start) + editSpec.apply(spec) + text.substring(end);
    }

    @Test
    @Order(21)
    void brokersScaleFromThreeToFourAndBackWithTheLeavingBrokerDrainedFirst() throws Exception {
        // producing all along: the broker joining, the roll by rack and the drain
        LoadProducer throughout = new LoadProducer(cluster().connections().clientProperties(null), "test-topic", "scaling");
        throughout.awaitAcked(200);
        KeksCli.Result up = KeksCli.run("apply", "-f", seedWithPool("broker", spec -> spec.replace("replicas: 3", "replicas: 4")).toString());
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("starting cluster-broker-6, new in pool broker", "cluster-broker-6 joined the cluster",
                "auto-rebalance: brokers [6] joined");
        try (Admin admin = cluster().admin()) {
            // autoRebalance add-brokers: broker 6 shares zone-a with broker 0, and takes half of zone-a's replicas when apply returns
            int on0 = replicasOn(admin, 0, true).size();
            int on6 = replicasOn(admin, 6, true).size();
            assertThat(on6).as("replicas on broker 6 against broker 0's %d", on0).isGreaterThan(0).isBetween(on0 - 2, on0 + 2);
        }
        assertThat(KeksCli.run("get", "kafkarebalances").out()).containsPattern("cluster-auto-rebalancing-add-brokers +cluster +Ready");
        JsonNode four = status();
        assertThat(four.path("ready").asBoolean()).isTrue();
        assertThat(four.path("nodes").findValuesAsText("name")).contains("cluster-broker-6");

        Path topicFile = Files.createTempDirectory(home, "scale").resolve("scale-topic.yaml");
        Files.writeString(topicFile, topic("scale-topic", 8, "min.insync.replicas: 2"));
        assertThat(KeksCli.run("apply", "-f", topicFile.toString()).exitCode()).isZero();
        try (Admin admin = cluster().admin()) {
            // the brokers list a new topic a moment after the controller created it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(replicasOn(admin, 6)).isNotEmpty());
        }
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "scale-topic", "scale");
        load.awaitAcked(200);

        // with two brokers in zone-a (0 and the new 6), a roll by rack restarts them together
        KeksCli.Result byRack = KeksCli.run("roll", "--by-rack", "cluster-broker-0", "cluster-broker-1", "cluster-broker-2",
                "cluster-broker-6");
        assertThat(byRack.exitCode()).as(byRack.out() + byRack.err()).isZero();
        assertThat(byRack.out()).contains("in this order: cluster-broker-0+cluster-broker-6, cluster-broker-1, cluster-broker-2",
                "done: 4 node(s) restarted");
        assertThat(status().path("ready").asBoolean()).isTrue();
        Map<Integer, Long> pids = nodePids();

        // autoRebalance remove-brokers with a template: the drain moves two partitions per broker at a time; the template
        // sets no throttle, so the drain's own (--drain-throttle) holds
        Path drainSlowly = seedEdited(t -> t.replace("      - mode: add-brokers\n",
                "      - mode: add-brokers\n      - mode: remove-brokers\n        template:\n          name: drain-slowly\n"));
        Files.writeString(drainSlowly.resolve("drain-template.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: drain-slowly
                  labels:
                    strimzi.io/cluster: cluster
                  annotations:
                    strimzi.io/rebalance-template: "true"
                spec:
                  concurrentPartitionMovementsPerBroker: 2
                """);
        KeksCli.Result down = KeksCli.run("apply", "-f", drainSlowly.toString(), "--drain-throttle", "20");
        assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
        assertThat(down.out()).contains("auto-rebalance cluster-auto-rebalancing-remove-brokers: draining with 2 partition movement(s) per broker")
                .containsPattern("moving \\d+ partition\\(s\\) off brokers \\[6\\], 2 per broker at a time, replication throttled to 20 MiB/s")
                .containsPattern("moved (\\d+) of \\1 partitions").contains("broker 6 unregistered", "cluster-broker-6 removed");
        try (Admin admin = cluster().admin()) {
            assertThat(replicasOn(admin, 6)).isEmpty();
            assertThat(admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions().includeFencedBrokers(true))
                    .nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
            Map<Integer, String> rackOf = Map.of(0, "zone-a", 1, "zone-b", 2, "zone-c");
            admin.describeTopics(List.of("scale-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("scale-topic").partitions()
                    .forEach(p -> assertThat(p.replicas().stream().map(n -> rackOf.get(n.id())).distinct()).hasSize(3));
            // the throttle is gone once the drain is done
            for (int broker : List.of(0, 1, 2)) {
                ConfigEntry rate = brokerConfig(admin, broker, "leader.replication.throttled.rate");
                assertThat(rate == null ? null : rate.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            }
        }
        ProcessHandle.of(pids.get(6)).ifPresent(p -> assertThat(p.isAlive()).as("broker 6 stopped").isFalse());
        assertThat(home.resolve("clusters/cluster/nodes/6")).doesNotExist();
        JsonNode three = status();
        assertThat(three.path("ready").asBoolean()).isTrue();
        assertThat(three.path("nodes").findValuesAsText("name")).doesNotContain("cluster-broker-6");
        // the brokers that stay kept running through the drain
        three.path("nodes").forEach(n -> assertThat(n.path("pid").asLong()).isEqualTo(pids.get(n.path("id").asInt())));

        load.awaitAcked(200).close();
        assertThat(load.errors()).as(() -> whatHappened(load, byRack, down)).isEmpty();
        assertEveryRecordReadBack("scale-topic", load.acked());
        throughout.awaitAcked(200).close();
        assertThat(throughout.errors()).isEmpty();
        produced.addAll(throughout.acked());
        assertEveryRecordReadBack("test-topic", throughout.acked());
    }

    /**
     * For a producer error that should not have happened: when the producer began, what keks printed,
     * and what the nodes that are left logged about the partitions whose records failed, so a failure
     * seen once (on a slower machine, say) can be understood from its output alone.
     */
    private static String whatHappened(LoadProducer load, KeksCli.Result... steps) {
        StringBuilder out = new StringBuilder("producer started at " + load.started() + "\n");
        for (KeksCli.Result step : steps) {
            out.append("--- keks printed:\n").append(step.out()).append(step.err());
        }
        Set<String> partitions = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("for ([\\w.-]+-\\d+):").matcher(String.join("\n", load.errors()));
        while (m.find()) {
            partitions.add(m.group(1));
        }
        try (Stream<Path> logs = Files.walk(home.resolve("clusters/cluster/nodes"), 2)) {
            for (Path log : logs.filter(f -> f.getFileName().toString().equals("kafka.log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log).stream()
                        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || partitions.stream().anyMatch(l::contains)).toList();
                out.append("--- ").append(home.relativize(log)).append(" (").append(lines.size()).append(" lines, the last 80):\n");
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException e) {
            out.append("the node logs could not be read: ").append(e);
        }
        return out.toString();
    }

    static List<String> replicasOn(Admin admin, int broker) throws Exception {
        return replicasOn(admin, broker, false);
    }

    /** The partitions ("topic-partition") with a replica on {@code broker}, of internal topics too when asked. */
    static List<String> replicasOn(Admin admin, int broker, boolean internal) throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(internal)).names().get(30, TimeUnit.SECONDS);
        List<String> on = new ArrayList<>();
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(t -> t.partitions().forEach(p -> {
            if (p.replicas().stream().anyMatch(n -> n.id() == broker)) {
                on.add(t.name() + "-" + p.partition());
            }
        }));
        return on;
    }

    @Test
    @Order(22)
    void unsafeChangesAreRefusedWithTheirReasonAndChangeNothing() throws Exception {
        Path dir = Files.createTempDirectory(home, "refuse");
        // a topic made by a Kafka client, which no KafkaTopic describes: only Kafka knows its replicas
        try (Admin admin = cluster().admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("rf2-topic", 3, (short) 2))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        // refused by what the running cluster holds: its topics, its nodes, its storage
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        // the KafkaTopics asking for 2 replicas too, so the manifests alone are consistent: what Kafka holds is not
        Path twoBrokers = seedEdited(t -> editPool(t, "broker", s -> s.replace("replicas: 3", "replicas: 2"))
                .replace("replication.factor: 3", "replication.factor: 2"));
        for (String t : List.of("orders:6", "scale-topic:8", "test-topic:12")) {
            String[] nameAndPartitions = t.split(":");
            Files.writeString(twoBrokers.resolve(nameAndPartitions[0] + ".yaml"), topic(nameAndPartitions[0],
                    Integer.parseInt(nameAndPartitions[1]), "retention.ms: 3600000").replace("replicas: 3", "replicas: 2"));
        }
        refusals.put(twoBrokers.toString(), "the node pools would leave 2 broker(s), fewer than the 3 replicas of topic");
        refusals.put(seedWithPool("controller", s -> s.replace("    - controller\n", "    - controller\n    - broker\n")).toString(),
                "KafkaNodePool controller: its roles would change from [controller] to [broker, controller]");
        refusals.put(seedWithPool("broker", s -> s.replace("size: 100Gi", "size: 50Gi")).toString(),
                "KafkaNodePool broker (node 0), volume 0: its size would shrink from 100Gi to 50Gi");
        refusals.put(seedEdited(t -> t.replace("min.insync.replicas: 2", "min.insync.replicas: 3")).toString(),
                "spec.kafka.config min.insync.replicas 3 is above the replication factor of topic(s) rf2-topic (2)");
        // refused by the manifests alone, with the file and line
        Map<String, String> invalid = new java.util.LinkedHashMap<>();
        Path brokers2 = seedWithPool("broker", s -> s.replace("replicas: 3", "replicas: 2"));
        invalid.put(brokers2.toString(), "spec.kafka.config[\"default.replication.factor\"]: default.replication.factor is 3 but"
                + " the cluster has 2 broker(s); lower it or add brokers");
        invalid.put(seedWithPool("broker", s -> s.replace("replicas: 3", "replicas: 0")).toString(),
                "spec.replicas: the pools with role broker of Kafka cluster have 0 replicas in all, and a cluster needs at least one"
                        + " broker");
        invalid.put(seedWithPool("controller", s -> s.replace("replicas: 3", "replicas: 0")).toString(),
                "spec.replicas: the pools with role controller of Kafka cluster have 0 replicas in all, and a cluster needs at least"
                        + " one controller");
        Path topicFile = dir.resolve("t.yaml");
        Files.writeString(topicFile, topic("refused-topic", 3, "min.insync.replicas: 5"));
        invalid.put(topicFile.toString(), "min.insync.replicas 5 is more than the replication factor 3");

        Map<Integer, Long> pids = nodePids();
        Path stored = home.resolve("clusters/cluster/manifests");
        Map<String, String> storedBefore = readDir(stored);
        String stateBefore = Files.readString(home.resolve("clusters/cluster/state.json"));
        Set<String> topicsBefore;
        String minIsrBefore;
        try (Admin admin = cluster().admin()) {
            topicsBefore = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            minIsrBefore = brokerConfig(admin, 0, "min.insync.replicas").value();
        }
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            KeksCli.Result result = KeksCli.run("apply", "-f", r.getKey());
            assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(2);
            assertThat(result.err()).contains("refused, nothing was changed", r.getValue());
            // status keeps saying why the cluster is not what the latest manifests ask for
            assertThat(status().path("conditions").toString()).contains("UnsafeChangeRefused", r.getValue());
        }
        for (Map.Entry<String, String> r : invalid.entrySet()) {
            KeksCli.Result result = KeksCli.run("apply", "-f", r.getKey());
            assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(2);
            assertThat(result.err()).contains(r.getKey()).contains(r.getValue());
        }
        assertThat(nodePids()).isEqualTo(pids);
        assertThat(readDir(stored)).isEqualTo(storedBefore);
        assertThat(Files.readString(home.resolve("clusters/cluster/state.json"))).isEqualTo(stateBefore);
        try (Admin admin = cluster().admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isEqualTo(topicsBefore);
            assertThat(brokerConfig(admin, 0, "min.insync.replicas").value()).isEqualTo(minIsrBefore);
        }
        assertThat(status().path("ready").asBoolean()).isTrue();
        // a change that is safe clears the warning
        KeksCli.Result ok = KeksCli.run("apply", "-f", seedEdited(t -> t).toString());
        assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
        assertThat(status().path("conditions").toString()).doesNotContain("UnsafeChangeRefused");
    }

    static Map<String, String> readDir(Path dir) throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(f).toString(), Files.readString(f));
            }
        }
        return files;
    }

    static Map<Integer, Long> nodePids() throws IOException {
        Map<Integer, Long> pids = new HashMap<>();
        status().path("nodes").forEach(n -> pids.put(n.path("id").asInt(), n.path("pid").asLong()));
        return pids;
    }

    static ConfigEntry brokerConfig(Admin admin, int broker, String key) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(broker));
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get(key);
    }

    /** A KafkaTopic with every field a test may want: null leaves topicName or annotations out. */
    static String kafkaTopic(String name, String topicName, int partitions, int replicas, String config, String annotations) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: %s
                  labels:
                    strimzi.io/cluster: cluster%s
                spec:%s
                  partitions: %d
                  replicas: %d
                  config:
                    %s
                """.formatted(name, annotations == null ? "" : "\n  annotations:\n    " + annotations,
                topicName == null ? "" : "\n  topicName: " + topicName, partitions, replicas, config);
    }

    @Test
    @Order(23)
    void everyTopicStatusReasonShowsOnARealCluster() throws Exception {
        Path dir = Files.createTempDirectory(home, "reasons");
        // two KafkaTopics for one Kafka topic: the older (orders, applied in an earlier test) keeps it
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, kafkaTopic("orders-again", "orders", 6, 3, "retention.ms: 1000", null));
        KeksCli.Result conflict = KeksCli.run("apply", "-f", again.toString());
        assertThat(conflict.exitCode()).isEqualTo(1);
        assertThat(conflict.out()).contains("kafkatopic/orders-again NOT ready: ResourceConflict: Kafka topic orders is managed by"
                + " KafkaTopic orders, which is older");
        try (Admin admin = cluster().admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            assertThat(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get("retention.ms").value())
                    .as("the newer KafkaTopic changed nothing").isEqualTo("7200000");
        }
        KeksCli.Result gone = KeksCli.run("delete", "kafkatopic", "orders-again");
        assertThat(gone.out()).contains("kafkatopic/orders-again deleted; topic orders kept in Kafka (another KafkaTopic names it)");

        // a value Kafka's definition of the key refuses: refused with the apply, before anything is stored
        Path bad = dir.resolve("bad-config.yaml");
        Files.writeString(bad, kafkaTopic("bad-config", null, 1, 3, "retention.ms: forever", null));
        KeksCli.Result refused = KeksCli.run("apply", "-f", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains(bad + ":11: spec.config[\"retention.ms\"]: Kafka 4.4.0 refuses \"forever\": Not a number"
                + " of type LONG");
        // values each key takes, which Kafka refuses together when it makes the topic: InvalidConfig, naming them
        Files.writeString(bad, kafkaTopic("bad-config", null, 1, 3, "min.compaction.lag.ms: 2000\n    max.compaction.lag.ms: 1000",
                null));
        KeksCli.Result invalid = KeksCli.run("apply", "-f", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.out()).contains("kafkatopic/bad-config NOT ready: InvalidConfig:").contains("min.compaction.lag.ms");
        // a name Kafka refuses because it collides with an existing topic's metrics name: KafkaError
        try (Admin admin = cluster().admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("metrics_x", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        Path collides = dir.resolve("collides.yaml");
        Files.writeString(collides, kafkaTopic("metrics-dot-x", "metrics.x", 1, 3, "retention.ms: 3600000", null));
        KeksCli.Result kafkaError = KeksCli.run("apply", "-f", collides.toString());
        assertThat(kafkaError.out()).contains("kafkatopic/metrics-dot-x NOT ready: KafkaError:").contains("collides");
        // unmanaged: keks leaves the topic alone, whatever the spec says
        Path unmanaged = dir.resolve("unmanaged.yaml");
        Files.writeString(unmanaged, kafkaTopic("test-topic", null, 20, 3, "retention.ms: 1000", "strimzi.io/managed: \"false\""));
        KeksCli.Result left = KeksCli.run("apply", "-f", unmanaged.toString());
        assertThat(left.out()).contains("kafkatopic/test-topic unmanaged: strimzi.io/managed is \"false\"");
        // paused: the same, until the annotation goes
        Path paused = dir.resolve("paused.yaml");
        Files.writeString(paused, kafkaTopic("orders", null, 9, 3, "retention.ms: 7200000", "strimzi.io/pause-reconciliation: \"true\""));
        assertThat(KeksCli.run("apply", "-f", paused.toString()).out()).contains("kafkatopic/orders paused:");
        try (Admin admin = cluster().admin()) {
            var d = admin.describeTopics(List.of("test-topic", "orders")).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(d.get("test-topic").partitions()).hasSize(12);
            assertThat(d.get("orders").partitions()).hasSize(6);
        }
        KeksCli.Result list = KeksCli.run("get", "kafkatopics");
        assertThat(list.out()).containsPattern("bad-config\\s+cluster\\s+1\\s+3\\s+False")
                .containsPattern("test-topic\\s+cluster\\s+20\\s+3\\s+True").containsPattern("orders\\s+cluster\\s+9\\s+3\\s*\n");
        KeksCli.Result described = KeksCli.run("describe", "kafkatopic", "bad-config");
        assertThat(described.out()).contains("Ready:             False   reason InvalidConfig", "no topic bad-config in Kafka");

        // back to managed, in line with Kafka, and the failed ones deleted
        Files.writeString(paused, topic("orders", 6, "retention.ms: 7200000"));
        for (String name : List.of("bad-config", "metrics-dot-x")) {
            assertThat(KeksCli.run("delete", "kafkatopic", name).exitCode()).isZero();
        }
        KeksCli.Result clean = KeksCli.run("apply", "-f", EXAMPLES + "/kafka-topics.yaml", "-f", paused.toString());
        assertThat(clean.exitCode()).as(clean.out()).isZero();
        try (Admin admin = cluster().admin()) {
            admin.deleteTopics(List.of("metrics_x")).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(24)
    void aKafkaTopicAppliedForATopicKafkaAlreadyHasAdoptsItWithoutRecreatingIt() throws Exception {
        // keks creates a first-applied KafkaTopic's topic without describing it first: one that Kafka already has
        // must then be described and reconciled like any other
        Map<String, org.apache.kafka.common.Uuid> ids;
        try (Admin admin = cluster().admin()) {
            admin.createTopics(List.of(
                    new org.apache.kafka.clients.admin.NewTopic("adopted-same", 1, (short) 3).configs(Map.of("retention.ms", "3600000")),
                    new org.apache.kafka.clients.admin.NewTopic("adopted-grow", 2, (short) 3).configs(Map.of("retention.ms", "1000"))))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeTopics(List.of("adopted-same", "adopted-grow"))
                    .allTopicNames().get(30, TimeUnit.SECONDS)).hasSize(2));
            ids = admin.describeTopics(List.of("adopted-same", "adopted-grow")).allTopicNames().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().topicId()));
        }
        Path dir = Files.createTempDirectory(home, "adopt");
        Path same = dir.resolve("same.yaml");
        Files.writeString(same, topic("adopted-same", 1, "retention.ms: 3600000"));
        KeksCli.Result matched = KeksCli.run("apply", "-f", same.toString());
        assertThat(matched.exitCode()).as(matched.out() + matched.err()).isZero();
        assertThat(matched.out()).contains("kafkatopic/adopted-same ready (1 partitions, 3 replicas)")
                .as("a create Kafka answered with \"exists\" wrote nothing").contains("kafkatopics unchanged: Kafka already matched them");
        Path grow = dir.resolve("grow.yaml");
        Files.writeString(grow, topic("adopted-grow", 4, "retention.ms: 3600000"));
        KeksCli.Result grown = KeksCli.run("apply", "-f", grow.toString());
        assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("kafkatopic/adopted-grow ready (4 partitions, 3 replicas)");
        try (Admin admin = cluster().admin()) {
            var d = admin.describeTopics(List.of("adopted-same", "adopted-grow")).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(d.get("adopted-grow").partitions()).hasSize(4);
            d.forEach((name, topic) -> assertThat(topic.topicId()).as("%s was not recreated", name).isEqualTo(ids.get(name)));
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "adopted-grow");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeConfigs(List.of(r)).all()
                    .get(30, TimeUnit.SECONDS).get(r).get("retention.ms").value()).isEqualTo("3600000"));
        }
        for (String name : List.of("adopted-same", "adopted-grow")) {
            assertThat(KeksCli.run("delete", "kafkatopic", name).exitCode()).isZero();
        }
    }

    @Test
    @Order(25)
    void theReplicationFactorGoesFromOneToThreeToTwoByReassignmentWhileProducing() throws Exception {
        Path file = Files.createTempDirectory(home, "rf").resolve("rf.yaml");
        Files.writeString(file, kafkaTopic("rf-topic", null, 6, 1, "min.insync.replicas: 1", null));
        assertThat(KeksCli.run("apply", "-f", file.toString()).exitCode()).isZero();
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "rf-topic", "rf");
        load.awaitAcked(500);

        Files.writeString(file, kafkaTopic("rf-topic", null, 6, 3, "min.insync.replicas: 1", null));
        KeksCli.Result up = KeksCli.run("apply", "-f", file.toString(), "--drain-throttle", "20");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("kafkatopic/rf-topic replicas 1 -> 3: 6 of 6 partition(s) moving",
                "kafkatopic/rf-topic ready (6 partitions, 3 replicas)");
        Map<Integer, String> rackOf = Map.of(0, "zone-a", 1, "zone-b", 2, "zone-c");
        try (Admin admin = cluster().admin()) {
            admin.describeTopics(List.of("rf-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("rf-topic").partitions()
                    .forEach(p -> {
                        assertThat(p.replicas().stream().map(n -> rackOf.get(n.id())).distinct()).as("rack-aware").hasSize(3);
                        assertThat(p.isr()).hasSize(3);
                    });
            assertNoThrottleLeft(admin, "rf-topic");
        }
        load.awaitAcked(500);

        Files.writeString(file, kafkaTopic("rf-topic", null, 6, 2, "min.insync.replicas: 1", null));
        KeksCli.Result down = KeksCli.run("apply", "-f", file.toString());
        assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
        assertThat(down.out()).contains("kafkatopic/rf-topic ready (6 partitions, 2 replicas)");
        try (Admin admin = cluster().admin()) {
            admin.describeTopics(List.of("rf-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("rf-topic").partitions()
                    .forEach(p -> assertThat(p.replicas().stream().map(n -> rackOf.get(n.id())).distinct()).hasSize(2));
            assertNoThrottleLeft(admin, "rf-topic");
        }
        assertThat(KeksCli.run("describe", "kt", "rf-topic").out()).contains("Replicas:          2", "PARTITION", "LEADER", "ISR");
        load.awaitAcked(500).close();
        assertThat(load.errors()).isEmpty();
        assertEveryRecordReadBack("rf-topic", load.acked());
    }

    /**
     * The throttle is gone from the topic and the brokers. The broker that answers may not have the controller's
     * removal in its metadata yet, so it is asked again for a few seconds.
     */
    static void assertNoThrottleLeft(Admin admin, String topic) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            for (String key : List.of("leader.replication.throttled.replicas", "follower.replication.throttled.replicas")) {
                assertThat(config.get(key).source()).as(key + " = " + config.get(key).value())
                        .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
            for (int broker : List.of(0, 1, 2)) {
                ConfigEntry rate = brokerConfig(admin, broker, "leader.replication.throttled.rate");
                assertThat(rate == null ? null : rate.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            }
        });
    }

    @Test
    @Order(30)
    void twoThousandKafkaTopicsInOneApplyAndASecondApplyWritesNothing() throws Exception {
        Path file = Files.createTempDirectory(home, "bulk").resolve("bulk.yaml");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            all.append(kafkaTopic("bulk-%04d".formatted(i), null, 1, 3, "retention.ms: 3600000", null)).append("---\n");
        }
        Files.writeString(file, all);
        KeksCli.Result r = KeksCli.run("apply", "-f", file.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("kafkatopics: 2\\d\\d\\d in all, 2\\d\\d\\d ready").doesNotContain("NOT ready");
        // created means the controller committed them; a broker adds them to the metadata it answers
        // from only after creating their logs, which can take each broker a while on this machine: the
        // second apply (whose describe goes to any broker) must not meet a broker still catching up.
        // Kafka's checkpoint files come and go while the directories are walked: a vanished one means look again
        await().atMost(Duration.ofSeconds(180)).ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).untilAsserted(() -> {
            for (int broker = 0; broker < 3; broker++) {
                try (var dirs = Files.walk(home.resolve("clusters/cluster/nodes/" + broker), 3)) {
                    assertThat(dirs.filter(d -> d.getFileName().toString().matches("bulk-\\d{4}-0"))).as("broker %d's logs", broker).hasSize(2000);
                }
            }
        });
        try (Admin admin = cluster().admin()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)
                    .stream().filter(n -> n.startsWith("bulk-"))).hasSize(2000));
        }
        KeksCli.Result again = KeksCli.run("apply", "-f", file.toString());
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("kafkatopics unchanged: Kafka already matched them, nothing was written");
        assertThat(KeksCli.run("get", "kafkatopics").out()).containsPattern("bulk-1999\\s+cluster\\s+1\\s+3\\s+True");

        // the operator's periodic resync reads configs in turns (1,000 of these 2,000 topics a pass): a
        // config changed behind keks' back is put right in the pass whose turn covers its topic
        LocalCluster c = cluster();
        List<io.keks.model.DesiredTopic> bulk = c.desired().topics().stream().filter(t -> t.topicName().startsWith("bulk-")).toList();
        assertThat(bulk).hasSize(2000);
        ConfigResource late = new ConfigResource(ConfigResource.Type.TOPIC, "bulk-1500");
        try (Admin admin = c.connections().topicAdmin()) {
            admin.incrementalAlterConfigs(Map.of(late, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new ConfigEntry("retention.ms", "1000"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            var reconciler = new io.keks.engine.topic.TopicReconciler(admin, 60_000, 0);
            var turns = new io.keks.engine.topic.ConfigTurns();
            List<String> names = bulk.stream().map(io.keks.model.DesiredTopic::topicName).toList();
            Set<String> first = turns.next(names);
            assertThat(first).hasSize(1000).contains("bulk-0000").doesNotContain("bulk-1500");
            assertThat(reconciler.reconcile(bulk, t -> first.contains(t.topicName())).writeCalls()).as("bulk-1500's turn has not come").isZero();
            // a topic's config is read from the broker asked, which applies a change a moment after the controller
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeConfigs(List.of(late)).all()
                    .get(30, TimeUnit.SECONDS).get(late).get("retention.ms").value()).isEqualTo("1000"));
            Set<String> second = turns.next(names);
            assertThat(second).hasSize(1000).contains("bulk-1500", "bulk-1999");
            assertThat(reconciler.reconcile(bulk, t -> second.contains(t.topicName())).writeCalls()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeConfigs(List.of(late)).all()
                    .get(30, TimeUnit.SECONDS).get(late).get("retention.ms").value()).isEqualTo("3600000"));
        }
        // the applies kept the heap `up --max-heap` gave the nodes (an apply once reset it to the default and rolled them)
        assertThat(Files.readString(home.resolve("clusters/cluster/max-heap")).trim()).isEqualTo(String.valueOf(640L << 20));
        assertThat(ProcessHandle.of(nodePids().get(0)).orElseThrow().info().commandLine().orElse("")).contains("-Xmx640m");
    }

    @Test
    @Order(26)
    void perfTestRunsKafkasOwnToolsWithLatencyPercentiles() throws Exception {
        KeksCli.Result perf = KeksCli.run("perf-test", "perf-topic", "--records", "50000", "--end-to-end", "--end-to-end-records", "1000",
                "-o", "json");
        assertThat(perf.exitCode()).as(perf.out() + perf.err()).isZero();
        // the tools' own output, as they printed it, then the summary read from it
        assertThat(perf.err()).contains("ProducerPerformance", "50000 records sent", "ms 99.9th", "start.time", "Percentiles: 50th");
        JsonNode s = JSON.readTree(perf.out());
        JsonNode producer = s.path("producer");
        assertThat(producer.path("records").asLong()).isEqualTo(50_000);
        assertThat(producer.path("recordsPerSecond").asDouble()).isPositive();
        assertThat(List.of(producer.path("latencyP50Ms").asLong(), producer.path("latencyP95Ms").asLong(), producer.path("latencyP99Ms").asLong(),
                producer.path("latencyP999Ms").asLong())).isSorted();
        // ConsumerPerformance stops at the end of the fetch that reaches the count
        assertThat(Long.parseLong(s.path("consumer").path("data.consumed.in.nMsg").asText())).isGreaterThanOrEqualTo(50_000);
        assertThat(s.path("endToEnd").path("latencyP999Ms").asLong()).isGreaterThanOrEqualTo(s.path("endToEnd").path("latencyP50Ms").asLong());
        try (Admin admin = cluster().admin()) {
            TopicDescription d = admin.describeTopics(List.of("perf-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("perf-topic");
            assertThat(d.partitions()).hasSize(6).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        }
    }

    @Test
    @Order(26)
    void theFailoverDrillKillsTheBusiestBrokerUnderLoadAndShowsItRecoverWithNothingLost() throws Exception {
        KeksCli.Result drill = KeksCli.run("failover-drill", "--rate", "300", "--before", "3", "--down-for", "12");
        assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
        Matcher killed = Pattern.compile("killing broker (\\d+) \\(SIGKILL, pid (\\d+)\\)").matcher(drill.out());
        assertThat(killed.find()).as(drill.out()).isTrue();
        int victim = Integer.parseInt(killed.group(1));
        long pid = Long.parseLong(killed.group(2));
        assertThat(drill.out()).contains("partitions under-replicated", "running again", "restarted by keks' supervisor",
                "have every replica in sync", " 0 lost, 0 duplicates", "PASSED");
        // in the order it happened: frozen, fenced (the shrink, leaders moved), killed, back, whole again, the check
        assertThat(drill.out()).containsSubsequence("freezing broker", "under-replicated", "killing broker", "running again",
                "every replica in sync", "read back");
        JsonNode node = null;
        for (JsonNode n : status().path("nodes")) {
            node = n.path("id").asInt() == victim ? n : node;
        }
        assertThat(node).as("broker " + victim + " in keks status").isNotNull();
        assertThat(node.path("pid").asLong()).isNotEqualTo(pid);
        assertThat(node.path("state").asText()).isEqualTo("Running");
        assertThat(ProcessHandle.of(pid)).as("the killed process").isEmpty();
    }

    @Test
    @Order(27)
    void downThenUpKeepsTheData() throws Exception {
        KeksCli.Result d = KeksCli.run("down");
        assertThat(d.exitCode()).as(d.err()).isZero();
        JsonNode stopped = status();
        assertThat(stopped.path("ready").asBoolean()).isFalse();
        assertThat(stopped.path("nodes")).hasSize(6).allSatisfy(n -> assertThat(n.path("state").asText()).isEqualTo("Stopped"));

        // the seed as the tests before left it (with the config they kept), so the nodes start as they ran
        KeksCli.Result u = KeksCli.run("up", "-d", "-f", seedEdited(t -> t).toString(), "-f", EXAMPLES + "/kafka-topics.yaml");
        assertThat(u.exitCode()).as(u.out() + u.err()).isZero();
        assertThat(status().path("clusterId").asText()).isEqualTo(stopped.path("clusterId").asText());
        assertEveryRecordReadBack("test-topic", produced);
    }

    @Test
    @Order(28)
    void aKafkaRebalanceIsProposedStoppedFromAnotherProcessAndResumedAfterSigkillWithoutLosingARecord() throws Exception {
        // every replica of skew-topic on brokers 0 and 1, a megabyte in each partition: broker 2 (zone-c) holds none of it
        try (Admin admin = cluster().admin()) {
            Map<Integer, List<Integer>> assignment = new HashMap<>();
            for (int p = 0; p < 12; p++) {
                assignment.put(p, List.of(0, 1));
            }
            admin.createTopics(List.of(new NewTopic("skew-topic", assignment).configs(Map.of("min.insync.replicas", "1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Properties props = cluster().connections().clientProperties(null);
        try (KafkaProducer<String, String> bulk = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            String kb = "x".repeat(1024);
            for (int i = 0; i < 12 * 1024; i++) {
                bulk.send(new ProducerRecord<>("skew-topic", i % 12, null, kb));
            }
        }
        LoadProducer load = new LoadProducer(props, "skew-topic", "skew");
        load.awaitAcked(500);
        Path file = Files.createTempDirectory(home, "rebalance").resolve("even.yaml");
        Files.writeString(file, """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: even
                  labels: {strimzi.io/cluster: cluster}
                spec:
                  concurrentPartitionMovementsPerBroker: 1
                  replicationThrottle: 262144
                """);
        KeksCli.Result applied = KeksCli.run("apply", "-f", file.toString());
        assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
        assertThat(applied.out()).containsPattern("KafkaRebalance even: proposal ready, \\d+ replica\\(s\\)");
        assertThat(KeksCli.run("get", "kr", "even").out()).containsPattern("even +cluster +ProposalReady");
        assertThat(KeksCli.run("describe", "kr", "even").out()).contains("Broker load (before -> after):", "numReplicaMovements");

        // approved in another process; a stop annotated here while it runs is read there between batches
        Path state = home.resolve("clusters/cluster/rebalances/even.json");
        Process approving = keksProcess("annotate", "kr", "even", "strimzi.io/rebalance=approve");
        awaitPartitionsDone(state, 1);
        // the dashboard shows it under way
        JsonNode shown = JSON.readTree(get(status().path("dashboard").asText() + "api/glance")).path("rebalances");
        assertThat(shown.findValuesAsText("name")).contains("even");
        shown.forEach(r -> {
            if (r.path("name").asText().equals("even")) {
                assertThat(r.path("state").asText()).isEqualTo("Rebalancing");
                assertThat(r.path("partitionsDone").asInt()).isPositive();
            }
        });
        KeksCli.Result stop = KeksCli.run("annotate", "kr", "even", "strimzi.io/rebalance=stop");
        assertThat(stop.out()).contains("another keks process is carrying out a rebalance");
        assertThat(approving.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(JSON.readTree(state.toFile()).path("state").asText()).isEqualTo("Stopped");
        assertThat(KeksCli.run("get", "kr", "even").out()).containsPattern("even +cluster +Stopped");

        // a new proposal for what is left, approved in another process and killed with SIGKILL after a batch:
        // the next pass goes on from where Kafka is
        assertThat(KeksCli.run("annotate", "kr", "even", "strimzi.io/rebalance=refresh").out()).contains("KafkaRebalance even: proposal ready");
        approving = keksProcess("annotate", "kr", "even", "strimzi.io/rebalance=approve");
        awaitPartitionsDone(state, 1);
        approving.destroyForcibly().waitFor();
        int total = JSON.readTree(state.toFile()).path("progress").path("partitions").asInt();
        try (Admin admin = cluster().admin()) {
            ConfigResource skew = new ConfigResource(ConfigResource.Type.TOPIC, "skew-topic");
            assertThat(admin.describeConfigs(List.of(skew)).all().get(30, TimeUnit.SECONDS).get(skew).get("leader.replication.throttled.replicas")
                    .source()).as("the throttle the killed process left").isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        KeksCli.Result resumed = KeksCli.run("apply", "-f", file.toString());
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).containsPattern("KafkaRebalance even: \\d+ of " + total + " partition\\(s\\) still to change")
                .doesNotContain("KafkaRebalance even: " + total + " of " + total + " partition");
        assertThat(KeksCli.run("get", "kr", "even").out()).containsPattern("even +cluster +Ready");
        try (Admin admin = cluster().admin()) {
            assertThat(replicasOn(admin, 2)).filteredOn(p -> p.startsWith("skew-topic-")).hasSizeGreaterThanOrEqualTo(6);
            Map<Integer, String> rackOf = Map.of(0, "zone-a", 1, "zone-b", 2, "zone-c");
            admin.describeTopics(List.of("skew-topic")).allTopicNames().get(30, TimeUnit.SECONDS).get("skew-topic").partitions()
                    .forEach(p -> assertThat(p.replicas().stream().map(n -> rackOf.get(n.id())).distinct()).hasSize(2));
            assertNoThrottleLeft(admin, "skew-topic");
        }
        load.awaitAcked(500).close();
        assertThat(load.errors()).isEmpty();
        assertEveryRecordReadBack("skew-topic", load.acked());
    }

    @Test
    @Order(29)
    void controllersGrowFromThreeToFiveWhileTheActiveOneIsKilledAndShrinkBackWithoutLosingARecord() throws Exception {
        LoadProducer load = new LoadProducer(cluster().connections().clientProperties(null), "test-topic", "quorum");
        load.awaitAcked(200);
        Path supervisorLog = home.resolve("clusters/cluster/supervisor.log");
        long logBefore = Files.size(supervisorLog);
        CompletableFuture<KeksCli.Result> grow = CompletableFuture.supplyAsync(() -> {
            try {
                return KeksCli.run("apply", "-f", seedWithPool("controller", s -> s.replace("replicas: 3", "replicas: 5")).toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // in the middle of the change: once the first new controller is being added, the active controller is killed
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> grow.isDone()
                || Files.readString(supervisorLog).substring((int) logBefore).contains("adding cluster-controller-6 to the metadata quorum"));
        assertThat(grow).as(() -> "the apply ended before adding a controller: " + grow.join()).isNotDone();
        int killed;
        try (Admin admin = cluster().admin()) {
            killed = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
        ProcessHandle.of(nodePids().get(killed)).orElseThrow().destroyForcibly();

        KeksCli.Result grown = grow.get(10, TimeUnit.MINUTES);
        assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("starting cluster-controller-6, new in pool controller", "cluster-controller-7 joined the cluster",
                "cluster-controller-6 votes in the metadata quorum", "cluster-controller-7 votes in the metadata quorum");
        try (Admin admin = cluster().admin()) {
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters())
                    .extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(3, 4, 5, 6, 7);
        }
        // the killed controller is back (the supervisor restarts it) and votes again: the cluster is ready with five voters
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonNode five = status();
            assertThat(five.path("voters")).extracting(JsonNode::asInt).containsExactly(3, 4, 5, 6, 7);
            assertThat(five.path("ready").asBoolean()).as(five.toString()).isTrue();
        });

        Map<Integer, Long> pids = nodePids();
        KeksCli.Result shrunk = KeksCli.run("apply", "-f", seedEdited(t -> t).toString());
        assertThat(shrunk.exitCode()).as(shrunk.out() + shrunk.err()).isZero();
        assertThat(shrunk.out()).contains("removing cluster-controller-6 from the metadata quorum", "cluster-controller-7 no longer votes",
                "cluster-controller-6 removed", "cluster-controller-7 removed");
        try (Admin admin = cluster().admin()) {
            QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(3, 4, 5);
            assertThat(q.leaderId()).isIn(3, 4, 5);
        }
        assertThat(home.resolve("clusters/cluster/nodes/6")).doesNotExist();
        assertThat(home.resolve("clusters/cluster/nodes/7")).doesNotExist();
        JsonNode three = status();
        assertThat(three.path("ready").asBoolean()).isTrue();
        assertThat(three.path("voters")).extracting(JsonNode::asInt).containsExactly(3, 4, 5);
        // no node that stays was restarted: a new list of controllers to bootstrap from needs no restart
        three.path("nodes").forEach(n -> assertThat(n.path("pid").asLong()).as(n.path("name").asText())
                .isEqualTo(pids.get(n.path("id").asInt())));

        load.awaitAcked(200).close();
        assertThat(load.errors()).isEmpty();
        produced.addAll(load.acked());
        assertEveryRecordReadBack("test-topic", load.acked());
    }

    /** A keks command in a JVM of its own on this test's KEKS_HOME, as a second terminal would run it. */
    static Process keksProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dkeks.home=" + home, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("child-" + args[3].replace('/', '_') + ".log").toFile())
                .start();
    }

    static void awaitPartitionsDone(Path state, int done) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(state)
                && JSON.readTree(state.toFile()).path("state").asText().equals("Rebalancing")
                && JSON.readTree(state.toFile()).path("progress").path("partitionsDone").asInt() >= done);
    }

    /**
     * Asserts that every acknowledged value is in the topic, by set difference: AssertJ's containsAll
     * compares each value with each, which took minutes for the records of a whole test class.
     */
    static void assertEveryRecordReadBack(String topic, Collection<String> acknowledged) throws Exception {
        assertEveryRecordReadBack(cluster().connections().clientProperties(null), topic, acknowledged);
    }

    /** The same, for the cluster that {@code props} reach. */
    static void assertEveryRecordReadBack(Properties props, String topic, Collection<String> acknowledged) throws Exception {
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(readAll(props, topic));
        assertThat(missing).as("of %d acknowledged records, those not read back from %s", acknowledged.size(), topic).isEmpty();
    }

    /** Every record value of a topic, read from the beginning up to its end offsets. */
    static Set<String> readAll(String topic) throws Exception {
        return readAll(cluster().connections().clientProperties(null), topic);
    }

    /** Every value of {@code topic} ({@link io.keks.local.TestRecords#readAll}). */
    static Set<String> readAll(Properties props, String topic) {
        return io.keks.local.TestRecords.readAll(props, topic);
    }
}
