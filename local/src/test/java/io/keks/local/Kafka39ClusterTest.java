package io.keks.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.ClusterObserver;
import io.keks.engine.ManifestFiles;
import io.keks.engine.ObservedCluster;
import io.keks.engine.topic.TopicStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import io.keks.engine.config.ConfigModes;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's exact manifest asks for Kafka 3.9.0, which keks does not bundle: it is fetched from
 * Maven Central on first use, and the cluster runs that version.
 */
class Kafka39ClusterTest {
    static Path home;
    static LocalCluster cluster;
    static Supervisor supervisor;

    @BeforeAll
    static void start() throws Exception {
        Path examples = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
        var manifests = ManifestFiles.read(List.of(examples.resolve("seed-3.9"), examples.resolve("kafka-topics.yaml")));
        home = Files.createTempDirectory("keks-39-test");
        cluster = TestHomes.apply(home, manifests);
        supervisor = new Supervisor(cluster, Progress.SILENT);
        supervisor.startMissing();
    }

    @AfterAll
    static void stop() throws Exception {
        if (supervisor != null) {
            supervisor.requestStop();
        }
        if (cluster != null) {
            cluster.stopAll(Duration.ofSeconds(60), Progress.SILENT);
        }
        TestHomes.killAndDelete(home);
    }

    @Test
    void theSeedClusterRunsOnKafka390() throws Exception {
        ObservedCluster o = Readiness.await(cluster, Duration.ofSeconds(180), Progress.SILENT);
        try (Admin admin = cluster.admin()) {
            assertThat(o.brokers()).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(o.voters()).containsExactlyInAnyOrder(3, 4, 5);
            // read the way keks reads it before a version change: a node that has not loaded the
            // metadata log yet answers level 1 on Kafka 3.9 (KAFKA-19964), which keks does not take as the level
            OptionalInt level = ClusterObserver.finalizedMetadataLevel(admin, 30_000);
            assertThat(level).as("3.9-IV0 is metadata.version level 21").hasValue(21);
            List<TopicStatus> topics = cluster.topics().reconcile(1 << 20, Duration.ofMinutes(1), line -> { }).statuses();
            assertThat(topics).singleElement().satisfies(t -> assertThat(t.ready()).as(t.message()).isTrue());
        }
        String command = cluster.process(0).orElseThrow().info().commandLine().orElse("");
        assertThat(command).contains(home.resolve("kafka").resolve("3.9.0").toString());
        assertThat(Files.readString(cluster.logFile(0))).contains("Kafka version: 3.9.0");
    }

    @Test
    void anUpgradeTo4IsRefusedWhileTheManifestSetsAConfigKafka4Removed() throws Exception {
        ObservedCluster o = Readiness.await(cluster, Duration.ofSeconds(180), Progress.SILENT);
        Path examples = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
        Path dir = Files.createTempDirectory(home, "upgrade");
        Path file = dir.resolve("kafka-cluster.yaml");
        Files.writeString(file, Files.readString(examples.resolve("seed-3.9/kafka-cluster.yaml"))
                .replace("    version: 3.9.0\n", "    version: 4.4.0\n")
                .replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n      log.message.format.version: \"3.9\"\n"));
        var manifests = ManifestFiles.read(List.of(dir));
        String stateBefore = Files.readString(cluster.dir().resolve("state.json"));
        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.keks.model.manifest.ManifestException.class,
                () -> LocalCluster.apply(new ClusterHome(home), manifests, LocalCluster.Options.defaults(), Progress.SILENT));
        assertThat(refused.problems()).extracting(p -> p.format()).anySatisfy(m -> assertThat(m).startsWith(file + ":")
                .contains("log.message.format.version was removed in Kafka 4.0.0 and Kafka 4.4.0 refuses to start with it"));
        assertThat(Files.readString(cluster.dir().resolve("state.json"))).isEqualTo(stateBefore);
        assertThat(cluster.process(0)).isPresent();
        assertThat(LocalCluster.open(new ClusterHome(home), "cluster").desired().version().toString()).isEqualTo("3.9.0");
        assertThat(o.brokers()).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void whatChangesLiveIsReadFromTheRunningVersionsOwnConfigDefinitions() throws Exception {
        Path lib39 = home.resolve("kafka").resolve("3.9.0");
        Path lib44 = LocalCluster.Options.bundleFromSystem().resolve("4.4.0");
        for (Path lib : List.of(lib39, lib44)) {
            ConfigModes modes = KafkaConfigModes.load(lib, lib.getFileName().toString());
            assertThat(modes.mode("log.retention.ms")).as(lib.toString()).isEqualTo(ConfigModes.Mode.CLUSTER_WIDE);
            assertThat(modes.mode("listeners")).isEqualTo(ConfigModes.Mode.PER_BROKER);
            assertThat(modes.mode("listener.name.tls-9093.ssl.keystore.location")).isEqualTo(ConfigModes.Mode.PER_BROKER);
            assertThat(modes.mode("log.dirs")).isEqualTo(ConfigModes.Mode.READ_ONLY);
            assertThat(modes.mode("auto.create.topics.enable")).isEqualTo(ConfigModes.Mode.READ_ONLY);
        }
    }
}
