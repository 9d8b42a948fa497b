package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.keks.local.RollRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults in the middle of a roll of the seed cluster, under an acks=all producer: the supervisor killed with
 * SIGKILL, then `keks up -d`; the node being restarted killed with SIGKILL. The roll is finished, no node is
 * restarted twice by it, and every acknowledged record is read back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollFaultsTest {
    static Path home;

    @BeforeAll
    static void up() throws Exception {
        home = Files.createTempDirectory("keks-roll-faults-test");
        System.setProperty("keks.home", home.toString());
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f",
                Path.of(SeedClusterTest.EXAMPLES, "kafka-manifests").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    @AfterAll
    static void down() throws Exception {
        try {
            KeksCli.run("down");
        } finally {
            io.keks.local.TestHomes.killAll(home);
            SeedClusterTest.killLeftovers(home);
        }
    }

    /** The seed's manifests with {@code config} entries added to spec.kafka.config. */
    static Path seedWith(String... config) throws Exception {
        Path dir = Files.createTempDirectory(home, "manifests");
        String extra = Stream.of(config).map(e -> "      " + e + "\n").collect(Collectors.joining());
        try (Stream<Path> files = Files.list(Path.of(SeedClusterTest.EXAMPLES, "kafka-manifests"))) {
            for (Path f : files.toList()) {
                Files.writeString(dir.resolve(f.getFileName()), Files.readString(f)
                        .replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n" + extra));
            }
        }
        return dir;
    }

    static Path clusterDir() {
        return home.resolve("clusters/cluster");
    }

    static RollRecord roll() {
        return RollRecord.read(clusterDir()).orElseThrow();
    }

    /** The roll record of the change {@code apply} handed over, once the supervisor has written it. */
    static java.util.Optional<RollRecord> rollSince(long handedAt) {
        return RollRecord.read(clusterDir()).filter(r -> r.startedAt() >= handedAt);
    }

    /** Each node's pid by name, as `keks status` shows it (0 for a node that does not run). */
    static Map<String, Long> pids() throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode n : SeedClusterTest.status().path("nodes")) {
            out.put(n.path("name").asText(), n.path("pid").asLong(0));
        }
        return out;
    }

    static void finishedAndEveryRecordThere(LoadProducer load, String topic) throws Exception {
        load.awaitAcked(200).close();
        assertThat(load.errors()).isEmpty();
        SeedClusterTest.assertEveryRecordReadBack(SeedClusterTest.cluster().connections().clientProperties(null), topic, load.acked());
        JsonNode after = SeedClusterTest.status();
        assertThat(after.path("ready").asBoolean()).as(after.toString()).isTrue();
        after.path("nodes").forEach(n -> assertThat(n.path("pendingRestart")).as(n.toString()).isEmpty());
        assertThat(after.path("conditions").toString()).doesNotContain("RollingUpdate", "RollFailed");
    }

    @Test
    @Order(1)
    void aRollWhoseSupervisorIsKilledIsFinishedByKeksUpAndNoNodeIsRestartedTwice() throws Exception {
        Map<String, Long> before = pids();
        LoadProducer load = new LoadProducer(SeedClusterTest.cluster().connections().clientProperties(null), "test-topic", "sup");
        load.awaitAcked(200);
        long handedAt = System.currentTimeMillis();
        KeksCli.Result apply = KeksCli.run("apply", "--no-wait", "-f", seedWith("auto.create.topics.enable: false").toString());
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> rollSince(handedAt).map(r -> r.restarted().size() >= 2).orElse(false));

        ProcessHandle supervisor = ProcessHandle.of(Long.parseLong(Files.readString(clusterDir().resolve("supervisor.pid")).trim()))
                .orElseThrow();
        supervisor.destroyForcibly();
        supervisor.onExit().join();
        List<String> doneBefore = roll().restarted();
        Map<String, Long> atKill = pids();
        assertThat(roll().finished()).as("killed in the middle").isFalse();

        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> roll().finished());
        RollRecord r = roll();
        assertThat(r.phase()).as(r.failure()).isEqualTo("Done");
        Map<String, Long> after = pids();
        // each node restarted onto the change, and those done before the kill not again
        before.forEach((node, pid) -> assertThat(after.get(node)).as(node).isNotEqualTo(pid).isPositive());
        doneBefore.forEach(node -> assertThat(after.get(node)).as(node + " was restarted before the kill").isEqualTo(atKill.get(node)));
        finishedAndEveryRecordThere(load, "test-topic");
    }

    @Test
    @Order(2)
    void theNodeBeingRestartedKilledWithSigkillComesBackAndTheRollFinishes() throws Exception {
        Map<String, Long> before = pids();
        LoadProducer load = new LoadProducer(SeedClusterTest.cluster().connections().clientProperties(null), "test-topic", "node");
        load.awaitAcked(200);
        // back to Kafka's default: read-only, so another roll
        long handedAt = System.currentTimeMillis();
        KeksCli.Result apply = KeksCli.run("apply", "--no-wait", "-f", seedWith("auto.create.topics.enable: true").toString());
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        // a broker the roll has started again and is waiting for
        String[] victim = new String[1];
        long[] victimPid = new long[1];
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<String> current = rollSince(handedAt).map(RollRecord::current).orElse(List.of());
            if (current.isEmpty() || !current.get(0).contains("broker")) {
                return false;
            }
            long pid = pids().getOrDefault(current.get(0), 0L);
            if (pid > 0 && pid != before.get(current.get(0))) {
                victim[0] = current.get(0);
                victimPid[0] = pid;
                return true;
            }
            return false;
        });
        ProcessHandle.of(victimPid[0]).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });

        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).until(() -> roll().finished());
        RollRecord r = roll();
        assertThat(r.phase()).as(r.failure()).isEqualTo("Done");
        assertThat(r.restarted()).as("each node once").doesNotHaveDuplicates().hasSize(6);
        Map<String, Long> after = pids();
        before.forEach((node, pid) -> assertThat(after.get(node)).as(node).isNotEqualTo(pid).isPositive());
        assertThat(after.get(victim[0])).as("the killed node runs again").isNotEqualTo(victimPid[0]);
        finishedAndEveryRecordThere(load, "test-topic");
    }

    @Test
    @Order(3)
    void theActiveControllerFrozenLongerThanAnElectionLosesLeadershipAndRejoinsWhenResumed() throws Exception {
        JsonNode before = SeedClusterTest.status();
        int active = before.path("activeController").asInt();
        long pid = 0;
        for (JsonNode n : before.path("nodes")) {
            if (n.path("id").asInt() == active) {
                pid = n.path("pid").asLong();
            }
        }
        assertThat(pid).isPositive();
        LoadProducer load = new LoadProducer(SeedClusterTest.cluster().connections().clientProperties(null), "test-topic", "frozen");
        load.awaitAcked(200);
        signal("STOP", pid);
        try {
            // the election timeout is 1 s and a follower's fetch timeout 2 s: another controller leads within seconds, but
            // the brokers, through which keks asks, see it only once their requests to the frozen one time out (30 s)
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                JsonNode s = SeedClusterTest.status();
                return s.path("activeController").isInt() && s.path("activeController").asInt() != active;
            });
            // producing goes on while it stays frozen: partition leaders are brokers, and they follow the new leader
            load.awaitAcked(600);
        } finally {
            signal("CONT", pid);
        }
        // resumed, the frozen controller follows the new leader again, as the same process
        long frozen = pid;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(s.path("ready").asBoolean()).as(s.toString()).isTrue();
            assertThat(s.path("voters")).hasSize(3);
            for (JsonNode n : s.path("nodes")) {
                if (n.path("id").asInt() == active) {
                    assertThat(n.path("pid").asLong()).as("not restarted").isEqualTo(frozen);
                    assertThat(n.path("state").asText()).isEqualTo("Running");
                }
            }
        });
        try (var admin = SeedClusterTest.cluster().admin()) {
            var quorum = admin.describeMetadataQuorum().quorumInfo().get(30, java.util.concurrent.TimeUnit.SECONDS);
            long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId()).findFirst().orElseThrow().logEndOffset();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeMetadataQuorum().quorumInfo()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS).voters().stream().filter(v -> v.replicaId() == active).findFirst()
                    .orElseThrow().logEndOffset()).as("the resumed controller caught up").isGreaterThanOrEqualTo(leaderEnd));
        }
        finishedAndEveryRecordThere(load, "test-topic");
    }

    static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
