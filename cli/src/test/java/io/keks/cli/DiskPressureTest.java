package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real disk pressure: the development cluster's node keeps its data on a 128 MiB tmpfs of the test's own, and a
 * producer fills it. keks reports the volume as Kafka does (describeLogDirs), and warns before the directory fills.
 * Mounting needs root (CI runs as root here); elsewhere the test is skipped, under CI=true it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskPressureTest {
    static final long SIZE = 128L << 20;
    static Path home;
    static Path mounted;

    @BeforeAll
    static void up() throws Exception {
        home = Files.createTempDirectory("keks-disk-test");
        System.setProperty("keks.home", home.toString());
        mounted = Files.createDirectories(home.resolve("clusters/dev"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mounted.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        boolean ok = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!ok && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("a tmpfs cannot be mounted here (" + said.strip() + "); run as root to test real disk pressure");
        }
        assertThat(ok).as("mount -t tmpfs: " + said).isTrue();
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f",
                Path.of(SeedClusterTest.EXAMPLES, "dev").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    @AfterAll
    static void down() throws Exception {
        try {
            KeksCli.run("down", "--cluster", "dev");
        } finally {
            io.keks.local.TestHomes.killAll(home);
            if (mounted != null) {
                // lazily: a process still closing its files must not leave the mount behind
                new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
            SeedClusterTest.killLeftovers(home);
        }
    }

    static JsonNode status() throws IOException {
        KeksCli.Result r = KeksCli.run("status", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    static List<JsonNode> warnings(JsonNode status, String reason) {
        List<JsonNode> out = new ArrayList<>();
        status.path("conditions").forEach(c -> {
            if (c.path("reason").asText().equals(reason)) {
                out.add(c);
            }
        });
        return out;
    }

    @Test
    @Order(1)
    void aFillingVolumeIsShownAsKafkaSeesItAndWarnedOfBeforeItIsFull() throws Exception {
        JsonNode before = status();
        JsonNode disk = before.path("nodes").get(0).path("disks").get(0);
        assertThat(disk.path("dir").asText()).startsWith(mounted.toString());
        assertThat(disk.path("totalBytes").asLong()).isEqualTo(SIZE);
        assertThat(warnings(before, "VolumeNearlyFull")).isEmpty();

        LocalCluster c = LocalCluster.open(ClusterHome.fromEnvironment(), "dev");
        Properties props = c.connections().clientProperties(null);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        byte[] value = new byte[256 * 1024];
        JsonNode warned = null;
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // 4 MiB at a time, looking after each: the warning must come while there is still room
            while (warned == null && sent < SIZE) {
                for (int i = 0; i < 16; i++) {
                    p.send(new ProducerRecord<>("dev-topic", value)).get(30, TimeUnit.SECONDS);
                    sent += value.length;
                }
                JsonNode s = status();
                if (!warnings(s, "VolumeNearlyFull").isEmpty()) {
                    warned = s;
                }
            }
        }
        assertThat(warned).as("no VolumeNearlyFull warning after %d MiB written to a %d MiB volume", sent >> 20, SIZE >> 20).isNotNull();
        JsonNode d = warned.path("nodes").get(0).path("disks").get(0);
        long used = d.path("totalBytes").asLong() - d.path("usableBytes").asLong();
        assertThat(100.0 * used / SIZE).isGreaterThan(84.0).isLessThan(100.0);
        assertThat(d.path("error").isNull()).as("Kafka still uses the directory").isTrue();
        assertThat(warned.path("ready").asBoolean()).isTrue();
        assertThat(warnings(warned, "VolumeNearlyFull").get(0).path("message").asText())
                .startsWith("dev-dual-role-0's log directory " + d.path("dir").asText() + " is ")
                .contains("% full (", " of 128M, ", "retention.ms");
        assertThat(KeksCli.run("status").out()).containsPattern("dev-dual-role-0 .* (8[5-9]|9\\d)% of 128M");
        assertThat(KeksCli.run("get", "kafkanodepools").out()).containsPattern("dual-role .* (8[5-9]|9\\d)% of 128M \\(node 0\\)");
    }

    @Test
    @Order(2)
    void aNodeIsNotStartedOnANearlyFullVolumeAndStartsOnceThereIsRoom() throws Exception {
        Path filler = mounted.resolve("filler");
        long room = Files.getFileStore(mounted).getUsableSpace() - SIZE / 50;
        Files.write(filler, new byte[(int) Math.max(0, room)]);
        assertThat(100 - 100 * Files.getFileStore(mounted).getUsableSpace() / SIZE).isGreaterThanOrEqualTo(95);

        // a broker that would join the running cluster on the same filesystem
        Path extra = home.resolve("extra-pool.yaml");
        Files.writeString(extra, """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata:
                  name: extra
                  labels: {strimzi.io/cluster: dev}
                spec:
                  replicas: 1
                  roles: [broker]
                  storage: {type: jbod, volumes: [{id: 0, type: persistent-claim, size: 10Gi}]}
                """);
        KeksCli.Result joining = KeksCli.run("apply", "-f", extra.toString());
        assertThat(joining.exitCode()).as(joining.out() + joining.err()).isEqualTo(2);
        assertThat(joining.err()).contains("refused, nothing was changed", "node 1 is not started: its volume " + mounted + "/nodes/1/");
        assertThat(KeksCli.run("get", "kafkanodepools").out()).doesNotContain("extra");

        KeksCli.Result down = KeksCli.run("down");
        assertThat(down.exitCode()).as(down.out() + down.err()).isZero();

        KeksCli.Result refused = KeksCli.run("up", "-d");
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("refused, nothing was changed", "node 0 is not started: its volume " + mounted,
                "% full (", " of 128M, ", " free)", "free space on that filesystem");
        assertThat(LocalCluster.open(ClusterHome.fromEnvironment(), "dev").anyNodeRunning()).isFalse();
        try (var data = Files.list(mounted.resolve("nodes/0/data-0"))) {
            assertThat(data.toList()).as("its data is left as it was").isNotEmpty();
        }

        Files.delete(filler);
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(status().path("ready").asBoolean()).isTrue();
    }
}
