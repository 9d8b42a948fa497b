package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spec.kafka.metricsConfig of type strimziMetricsReporter on real Kafka: the development cluster's node serves Kafka's
 * metrics from Strimzi's reporter inside Kafka, without the JMX exporter agent, filtered by the allow list; then the
 * same cluster moved to the JMX exporter with keks' rules, which rolls the node.
 */
class MetricsReporterTest {
    static Path home;
    static Path manifests;

    static final String REPORTER = """
                metricsConfig:
                  type: strimziMetricsReporter
                  values:
                    allowList:
                      - "kafka_server_.*"
                      - "kafka_controller_.*"
                      - "jvm_memory_.*"
            """;

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-metrics-reporter-test");
        System.setProperty("keks.home", home.toString());
        manifests = Files.createDirectories(home.resolve("manifests"));
        String dev = Files.readString(Path.of(SeedClusterTest.EXAMPLES, "dev", "kafka-dev.yaml"));
        String withReporter = dev.replace("    config:\n      offsets.topic", REPORTER + "    config:\n      offsets.topic");
        assertThat(withReporter).isNotEqualTo(dev);
        Files.writeString(manifests.resolve("kafka-dev.yaml"), withReporter);
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f",
                manifests.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    @AfterAll
    static void down() throws IOException {
        try {
            KeksCli.run("down", "--cluster", "dev", "--delete-data");
        } finally {
            SeedClusterTest.killLeftovers(home);
        }
    }

    static JsonNode node() throws IOException {
        KeksCli.Result r = KeksCli.run("status", "--cluster", "dev", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return SeedClusterTest.JSON.readTree(r.out()).path("nodes").get(0);
    }

    static Set<String> names(JsonNode node) throws Exception {
        return SeedClusterTest.scrape(node.path("metricsUrl").asText()).stream().map(s -> s.name()).collect(Collectors.toSet());
    }

    static List<String> arguments(JsonNode node) {
        return ProcessHandle.of(node.path("pid").asLong()).orElseThrow().info().arguments().map(List::of).orElseThrow();
    }

    @Test
    void theReporterServesTheAllowedMetricsWithoutTheAgentAndTheClusterMovesToTheAgent() throws Exception {
        JsonNode node = node();
        assertThat(node.path("metricsUrl").asText()).startsWith("http://127.0.0.1:");
        Set<String> names = names(node);
        // Kafka's Yammer metrics (the broker's) and its own metrics (KRaft's), as the reporter names them
        assertThat(names).contains("kafka_server_replicamanager_underreplicatedpartitions", "kafka_server_raft_metrics_current_leader",
                "kafka_server_brokertopicmetrics_bytesinpersec_total", "kafka_controller_kafkacontroller_activecontrollercount",
                "jvm_memory_used_bytes");
        // and no Kafka series the allow list leaves out (the reporter serves the JVM's and the process' own always)
        assertThat(names.stream().filter(n -> n.startsWith("kafka_"))).hasSizeGreaterThan(50)
                .allSatisfy(n -> assertThat(n).matches("kafka_server_.*|kafka_controller_.*"));
        assertThat(names).noneMatch(n -> n.startsWith("kafka_network_") || n.startsWith("kafka_log_"));
        List<String> args = arguments(node);
        assertThat(args).noneMatch(a -> a.startsWith("-javaagent"));
        assertThat(args.get(args.indexOf("-cp") + 1)).contains("reporter");
        Properties server = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("clusters/dev/nodes/0/server.properties"))) {
            server.load(in);
        }
        assertThat(server.getProperty("metric.reporters")).isEqualTo("io.strimzi.kafka.metrics.KafkaPrometheusMetricsReporter");
        assertThat(server.getProperty("prometheus.metrics.reporter.listener")).isEqualTo(node.path("metricsUrl").asText()
                .replace("/metrics", ""));

        // the JMX exporter agent with keks' rules instead: a change of how the node starts, so it is rolled
        Files.copy(Path.of(SeedClusterTest.EXAMPLES, "kafka-manifests", "kafka-metrics.yaml"), manifests.resolve("kafka-metrics.yaml"));
        String dev = Files.readString(manifests.resolve("kafka-dev.yaml"));
        String withAgent = dev.replace(REPORTER, """
                    metricsConfig:
                      type: jmxPrometheusExporter
                      valueFrom:
                        configMapKeyRef:
                          name: kafka-metrics
                          key: kafka-metrics-config.yml
                """);
        assertThat(withAgent).isNotEqualTo(dev);
        Files.writeString(manifests.resolve("kafka-dev.yaml"), withAgent);
        Files.writeString(manifests.resolve("kafka-metrics.yaml"), Files.readString(manifests.resolve("kafka-metrics.yaml"))
                .replace("  namespace: kafka\n", ""));
        KeksCli.Result applied = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
        JsonNode after = node();
        assertThat(after.path("pid").asLong()).isNotEqualTo(node.path("pid").asLong());
        assertThat(arguments(after)).anyMatch(a -> a.startsWith("-javaagent"));
        assertThat(names(after)).contains("kafka_server_brokertopicmetrics_bytesin_total", "kafka_network_requestmetrics_requests_total",
                "kafka_server_raft_metrics_current_leader");
    }
}
