package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
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
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
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
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(shift),
                "-f", EXAMPLES + "/kafka-manifests", "-f", EXAMPLES + "/kafka-topics.yaml");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Kafka cluster cluster is ready", "Topic test-topic: 12 partitions, 3 replicas, Ready");
    }

    @AfterAll
    static void down() throws IOException {
        try {
            KeksCli.run("down", "--delete-data");
        } finally {
            killLeftovers();
        }
    }

    /** Whatever a failed test left running is stopped by its recorded pid, never by a name pattern. */
    static void killLeftovers() throws IOException {
        if (home == null || !Files.exists(home)) {
            return;
        }
        try (Stream<Path> pids = Files.walk(home)) {
            for (Path p : pids.filter(f -> f.getFileName().toString().equals("pid")
                    || f.getFileName().toString().equals("supervisor.pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    static LocalCluster cluster() throws IOException {
        return LocalCluster.open(ClusterHome.fromEnvironment(), "cluster");
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
    }

    @Test
    @Order(2)
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
    @Order(4)
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
    @Order(5)
    void aBrokerKilledWithSigkillIsRestartedAndNoAcknowledgedRecordIsLost() throws Exception {
        Properties props = cluster().clientProperties(null);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        Set<String> acked = new ConcurrentSkipListSet<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().start(() -> {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; running.get(); i++) {
                    String v = "seq-" + i;
                    p.send(new ProducerRecord<>("test-topic", v, v), (md, e) -> {
                        if (e == null) {
                            acked.add(v);
                        }
                    });
                    if (i % 50 == 0) {
                        p.flush();
                    }
                }
                p.flush();
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > 200);

        long oldPid = status().path("nodes").get(1).path("pid").asLong();
        ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode broker = status().path("nodes").get(1);
            return broker.path("pid").asLong() != oldPid && broker.path("state").asText().equals("Running");
        });
        assertThat(status().path("nodes").get(1).path("restarts").asInt()).isEqualTo(1);
        int before = acked.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > before + 200);
        running.set(false);
        producer.join(60_000);
        produced.addAll(acked);

        assertThat(readAll("test-topic")).containsAll(acked);
    }

    @Test
    @Order(6)
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
    @Order(7)
    void aBadManifestIsRefusedWithItsLineAndTheClusterIsUntouched() throws Exception {
        Path bad = Files.createTempDirectory(home, "bad").resolve("bad.yaml");
        Files.writeString(bad, topic("orders", 6, "retention.ms: 7200000").replace("replicas: 3", "replicas: three"));
        KeksCli.Result r = KeksCli.run("apply", "-f", bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":9: spec.replicas: expected an integer, got the string \"three\"");
        assertThat(status().path("ready").asBoolean()).isTrue();
    }

    static String topic(String name, int partitions, String config) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: %s
                  labels:
                    strimzi.io/cluster: cluster
                spec:
                  partitions: %d
                  replicas: 3
                  config:
                    %s
                """.formatted(name, partitions, config);
    }

    @Test
    @Order(8)
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

    @Test
    @Order(10)
    void aDynamicConfigChangesLiveWithoutRestartsAndARestartOnlyChangeNamesTheNodes() throws Exception {
        Map<Integer, Long> pids = nodePids();
        Path manifests = seedWithConfig("log.retention.ms: 3600000", "log.cleaner.threads: 2", "auto.create.topics.enable: false");
        KeksCli.Result r = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("config log.cleaner.threads=2 (cluster-wide, live)", "config log.retention.ms=3600000 (cluster-wide, live)",
                "cluster-broker-0: auto.create.topics.enable", "cluster-controller-5: auto.create.topics.enable");
        assertThat(nodePids()).isEqualTo(pids);
        try (Admin admin = cluster().admin()) {
            for (int broker : List.of(0, 1, 2)) {
                assertThat(brokerConfig(admin, broker, "log.retention.ms").value()).isEqualTo("3600000");
                assertThat(brokerConfig(admin, broker, "log.cleaner.threads").value()).isEqualTo("2");
                // read-only: unchanged until a restart
                assertThat(brokerConfig(admin, broker, "auto.create.topics.enable").value()).isEqualTo("true");
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
    }

    @Test
    @Order(11)
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

    /** The example's Kafka and node pools, with these entries added to spec.kafka.config. */
    static Path seedWithConfig(String... entries) throws IOException {
        Path dir = Files.createTempDirectory(home, "manifests");
        String extra = Stream.of(entries).map(e -> "      " + e + "\n").collect(Collectors.joining());
        try (Stream<Path> files = Files.list(Path.of(EXAMPLES, "kafka-manifests"))) {
            for (Path f : files.toList()) {
                Files.writeString(dir.resolve(f.getFileName()),
                        Files.readString(f).replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n" + extra));
            }
        }
        return dir;
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

    @Test
    @Order(20)
    void downThenUpKeepsTheData() throws Exception {
        KeksCli.Result d = KeksCli.run("down");
        assertThat(d.exitCode()).as(d.err()).isZero();
        JsonNode stopped = status();
        assertThat(stopped.path("ready").asBoolean()).isFalse();
        assertThat(stopped.path("nodes")).allSatisfy(n -> assertThat(n.path("state").asText()).isEqualTo("Stopped"));

        KeksCli.Result u = KeksCli.run("up", "-d", "-f", EXAMPLES + "/kafka-manifests", "-f", EXAMPLES + "/kafka-topics.yaml");
        assertThat(u.exitCode()).as(u.out() + u.err()).isZero();
        assertThat(status().path("clusterId").asText()).isEqualTo(stopped.path("clusterId").asText());
        assertThat(readAll("test-topic")).containsAll(produced);
    }

    /** Every record value of a topic, read from the beginning up to its end offsets. */
    static Collection<String> readAll(String topic) throws Exception {
        Properties props = cluster().clientProperties(null);
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps, Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return tps.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return values;
    }
}
