package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed cluster on Kafka 4.3.1 (fetched on first use), upgraded to the bundled 4.4.0 by
 * {@code keks apply} under a steady acks=all producer, then metadata.version finalized; and the way
 * back refused once metadata.version is past what 4.3.1 runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeTest {
    static final String FROM = "4.3.1";
    static Path home;

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-upgrade-test");
        System.setProperty("keks.home", home.toString());
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()),
                "-f", seed(FROM, null).toString(), "-f", SeedClusterTest.EXAMPLES + "/kafka-topics.yaml");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Kafka cluster cluster is ready", "(Kafka " + FROM + ", KRaft");
    }

    @AfterAll
    static void down() throws IOException {
        SeedClusterTest.downDeletingData(home);
    }

    /** The seed's Kafka and node pools on {@code version}, with {@code metadataVersion} when not null. */
    static Path seed(String version, String metadataVersion) throws IOException {
        Path dir = Files.createTempDirectory(home, "manifests");
        try (Stream<Path> files = Files.list(Path.of(SeedClusterTest.EXAMPLES, "kafka-manifests"))) {
            for (Path f : files.toList()) {
                String text = Files.readString(f).replace("    version: 4.4.0\n", "    version: " + version + "\n"
                        + (metadataVersion == null ? "" : "    metadataVersion: " + metadataVersion + "\n"));
                Files.writeString(dir.resolve(f.getFileName()), text);
            }
        }
        return dir;
    }

    static int metadataLevel() throws Exception {
        try (Admin admin = SeedClusterTest.cluster().admin()) {
            return admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).finalizedFeatures()
                    .get("metadata.version").maxVersionLevel();
        }
    }

    @Test
    @Order(1)
    void everyNodeRollsOntoTheNewVersionInTheSafeOrderThenMetadataVersionIsFinalized() throws Exception {
        JsonNode before = SeedClusterTest.status();
        assertThat(before.path("nodes")).hasSize(6).allSatisfy(n -> assertThat(n.path("kafkaVersion").asText()).isEqualTo(FROM));
        assertThat(metadataLevel()).as("4.3-IV0, what 4.3.1 formats by default").isEqualTo(30);
        int active = before.path("activeController").asInt();
        LoadProducer load = new LoadProducer(SeedClusterTest.cluster().connections().clientProperties(null), "test-topic", "upgrade");
        load.awaitAcked(200);

        KeksCli.Result r = KeksCli.run("apply", "-f", seed("4.4.0", "4.4-IV2").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Changing the nodes: 6 node(s) to restart, metadata.version to finalize at level 33",
                "spec.kafka.version asks for another Kafka version",
                "metadata.version is 4.4-IV2", "done: 6 node(s) restarted, metadata.version finalized at level 33");
        assertThat(SeedClusterTest.restartOrder(r.out())).as(r.out()).containsExactlyElementsOf(SeedClusterTest.seedRollOrder(active));
        assertThat(r.out().indexOf("restarting cluster-broker-2")).isLessThan(r.out().indexOf("finalizing metadata.version"));

        JsonNode after = SeedClusterTest.status();
        assertThat(after.path("ready").asBoolean()).isTrue();
        assertThat(after.path("kafkaVersion").asText()).isEqualTo("4.4.0");
        assertThat(after.path("nodes")).hasSize(6).allSatisfy(n -> assertThat(n.path("kafkaVersion").asText()).isEqualTo("4.4.0"));
        for (JsonNode n : after.path("nodes")) {
            String command = ProcessHandle.of(n.path("pid").asLong()).orElseThrow().info().commandLine().orElse("");
            assertThat(command).as(n.path("name").asText()).contains("kafka/4.4.0").doesNotContain(FROM);
        }
        assertThat(metadataLevel()).isEqualTo(33);

        load.awaitAcked(200).close();
        assertThat(load.errors()).isEmpty();
        SeedClusterTest.assertEveryRecordReadBack("test-topic", load.acked());
    }

    @Test
    @Order(2)
    void goingBackBelowTheFinalizedMetadataVersionIsRefusedAndChangesNothing() throws Exception {
        Map<Integer, Long> pids = SeedClusterTest.nodePids();
        KeksCli.Result back = KeksCli.run("apply", "-f", seed(FROM, null).toString());
        assertThat(back.exitCode()).isEqualTo(2);
        assertThat(back.err()).contains("refused, nothing was changed", "metadata.version is finalized at 4.4-IV2 (level 33),"
                + " newer than Kafka " + FROM + " supports (up to 4.3-IV0); metadata.version cannot be lowered, so keep"
                + " spec.kafka.version 4.4.0");

        KeksCli.Result lower = KeksCli.run("apply", "-f", seed("4.4.0", "4.4-IV0").toString());
        assertThat(lower.exitCode()).isEqualTo(2);
        assertThat(lower.err()).contains("spec.kafka.metadataVersion 4.4-IV0 is older than the finalized metadata.version"
                + " 4.4-IV2; metadata.version cannot be lowered");

        KeksCli.Result unknown = KeksCli.run("apply", "-f", seed("4.4.0", "4.4-IV7").toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("spec.kafka.metadataVersion 4.4-IV7 is not a metadata version Kafka 4.4.0 runs"
                + " in production; use 4.4-IV2 or older");

        assertThat(SeedClusterTest.nodePids()).isEqualTo(pids);
        assertThat(metadataLevel()).isEqualTo(33);
        assertThat(SeedClusterTest.status().path("kafkaVersion").asText()).isEqualTo("4.4.0");
    }
}
