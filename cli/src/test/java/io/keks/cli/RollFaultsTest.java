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
 * restarted twice by it, and every acknowledged record is read back. The active controller frozen past an
 * election; two of three brokers killed at once, with status naming the partitions that cannot take writes.
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

    /** The small filesystem a test mounted under a broker, unmounted at the end. */
    static Path mounted;

    @AfterAll
    static void down() throws Exception {
        try {
            KeksCli.run("down");
        } finally {
            io.keks.local.TestHomes.killAll(home);
            if (mounted != null) {
                // lazily: a process still closing its files must not leave the mount behind
                new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
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

        killSupervisor();
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

    static List<JsonNode> warnings(JsonNode status, String reason) {
        return DiskPressureTest.warnings(status, reason);
    }

    @Test
    @Order(4)
    void twoOfThreeBrokersKilledBlockAcksAllWritesStatusSaysWhichPartitionsAndWhyAndNothingIsLost() throws Exception {
        JsonNode before = SeedClusterTest.status();
        Map<Integer, Long> brokers = new java.util.TreeMap<>();
        for (JsonNode n : before.path("nodes")) {
            if (n.path("roles").toString().contains("broker")) {
                brokers.put(n.path("id").asInt(), n.path("pid").asLong());
            }
        }
        assertThat(brokers).hasSize(3);
        List<Integer> victims = brokers.keySet().stream().skip(1).toList();
        var client = SeedClusterTest.cluster().connections().clientProperties(null);
        // a topic that lives only on the two brokers about to die: it will have no leader at all
        String pair = "two-down-pair";
        try (var admin = SeedClusterTest.cluster().admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(pair, Map.of(0, victims))))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        LoadProducer onPair = new LoadProducer(client, pair, "pair");
        onPair.awaitAcked(100).close();
        assertThat(onPair.errors()).isEmpty();
        LoadProducer load = new LoadProducer(client, "test-topic", "two-down");
        load.awaitAcked(200);

        // the supervisor first, so that nothing restarts the brokers behind the test's back
        killSupervisor();
        for (int id : victims) {
            ProcessHandle p = ProcessHandle.of(brokers.get(id)).orElseThrow();
            p.destroyForcibly();
            p.onExit().join();
        }
        String down = "Brokers " + victims.get(0) + ", " + victims.get(1) + ", which hold replicas of them, are not serving.";
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(warnings(s, "PartitionsOffline")).as(s.path("conditions").toString()).hasSize(1);
            assertThat(warnings(s, "PartitionsUnderMinIsr")).as(s.path("conditions").toString()).hasSize(1);
            seen[0] = s;
        });
        assertThat(seen[0].path("ready").asBoolean()).isFalse();
        assertThat(warnings(seen[0], "PartitionsOffline").get(0).path("message").asText())
                .startsWith("1 partition has no leader: " + pair + "-0. " + down)
                .contains("unclean leader election is off", "producers to them wait and retry");
        assertThat(warnings(seen[0], "PartitionsUnderMinIsr").get(0).path("message").asText())
                .containsPattern("^\\d+ partitions? ha(s|ve) fewer in-sync replicas than min.insync.replicas: ")
                .contains("test-topic-0 (1 of min 2)", down, "NOT_ENOUGH_REPLICAS");
        assertThat(KeksCli.run("status").out()).contains("PartitionsOffline", "PartitionsUnderMinIsr");
        try (var admin = SeedClusterTest.cluster().admin()) {
            var topic = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, pair);
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, java.util.concurrent.TimeUnit.SECONDS).get(topic)
                    .get("unclean.leader.election.enable").value()).as("the manifest does not turn it on").isEqualTo("false");
        }
        // acks=all writes wait: nothing is acknowledged while one replica of three is in sync, and nothing fails
        int acked = load.acked().size();
        Thread.sleep(3_000);
        assertThat(load.acked()).hasSize(acked);
        assertThat(load.errors()).isEmpty();

        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(s.path("conditions").toString()).doesNotContain("PartitionsOffline", "PartitionsUnderMinIsr");
        });
        finishedAndEveryRecordThere(load, "test-topic");
        SeedClusterTest.assertEveryRecordReadBack(client, pair, onPair.acked());
    }

    /** The seed's manifests with the broker pool at {@code brokers} replicas. */
    static Path seedWithBrokers(int brokers) throws Exception {
        Path dir = seedWith();
        Path file = dir.resolve("kafka-cluster.yaml");
        String yaml = Files.readString(file);
        String pool = "  name: broker\n";
        int at = yaml.indexOf("  replicas: 3\n", yaml.indexOf(pool));
        assertThat(at).isPositive();
        Files.writeString(file, yaml.substring(0, at) + "  replicas: " + brokers + "\n" + yaml.substring(at + "  replicas: 3\n".length()));
        return dir;
    }

    @Test
    @Order(5)
    void aDrainWhoseSupervisorIsKilledIsFinishedByKeksUpWithNothingLostAndNoOtherNodeRestarted() throws Exception {
        KeksCli.Result grown = KeksCli.run("apply", "-f", seedWithBrokers(4).toString());
        assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
        Map<String, Long> before = pids();
        String leaving = before.keySet().stream().filter(n -> n.contains("broker")).max(java.util.Comparator.comparingInt(
                n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1)))).orElseThrow();
        int leavingId = Integer.parseInt(leaving.substring(leaving.lastIndexOf('-') + 1));
        var client = SeedClusterTest.cluster().connections().clientProperties(null);
        // data on the broker that will leave, more than the 10 s or so of throttled replication Kafka lets through at once
        // (its rate is measured over the whole quota window), so that a move throttled to 1 MiB/s takes seconds
        String topic = "drain-topic";
        try (var admin = SeedClusterTest.cluster().admin()) {
            List<Integer> others = before.keySet().stream().filter(n -> n.contains("broker") && !n.equals(leaving))
                    .map(n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1))).sorted().toList();
            Map<Integer, List<Integer>> assignment = new HashMap<>();
            assignment.put(0, List.of(leavingId, others.get(0), others.get(1)));
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, assignment)))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        java.util.Set<String> filled = io.keks.local.TestRecords.fill(client, topic, 16 << 20);
        LoadProducer load = new LoadProducer(client, "test-topic", "drain");
        load.awaitAcked(200);

        long handedAt = System.currentTimeMillis();
        KeksCli.Result shrink = KeksCli.run("apply", "--no-wait", "--drain-throttle", "1", "-f", seedWithBrokers(3).toString());
        assertThat(shrink.exitCode()).as(shrink.out() + shrink.err()).isZero();
        // killed once Kafka is moving the partition
        try (var admin = SeedClusterTest.cluster().admin()) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> rollSince(handedAt).isPresent()
                    && !admin.listPartitionReassignments().reassignments().get(30, java.util.concurrent.TimeUnit.SECONDS).isEmpty());
        }
        killSupervisor();
        assertThat(roll().finished()).as("killed in the middle of the drain").isFalse();
        assertThat(pids().get(leaving)).as("the leaving broker still runs").isEqualTo(before.get(leaving));
        try (var admin = SeedClusterTest.cluster().admin()) {
            assertThat(admin.listPartitionReassignments().reassignments().get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the partition's move goes on in Kafka, throttled, without keks").isNotEmpty();
        }

        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).until(() -> roll().finished());
        RollRecord r = roll();
        assertThat(r.phase()).as(r.failure()).isEqualTo("Done");
        assertThat(r.events()).extracting(RollRecord.Event::message).as("the move begun before the kill is waited for, not planned again")
                .anySatisfy(m -> assertThat(m).startsWith("waiting for 1 partition move(s) Kafka is already making"));
        Map<String, Long> after = pids();
        assertThat(after).doesNotContainKey(leaving);
        before.forEach((node, pid) -> {
            if (!node.equals(leaving)) {
                assertThat(after.get(node)).as(node + " is not restarted by a drain").isEqualTo(pid);
            }
        });
        try (var admin = SeedClusterTest.cluster().admin()) {
            assertThat(admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions().includeFencedBrokers(true))
                    .nodes().get(30, java.util.concurrent.TimeUnit.SECONDS)).extracting(n -> n.id()).doesNotContain(leavingId).hasSize(3);
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> assertThat(p.replicas()).extracting(n -> n.id()).hasSize(3).doesNotContain(leavingId));
            // the throttle the killed supervisor set is not left behind to slow later moves
            var t = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            List<org.apache.kafka.common.config.ConfigResource> resources = new java.util.ArrayList<>(List.of(t));
            after.keySet().stream().filter(n -> n.contains("broker")).forEach(n -> resources.add(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.BROKER, n.substring(n.lastIndexOf('-') + 1))));
            admin.describeConfigs(resources).all().get(30, java.util.concurrent.TimeUnit.SECONDS).forEach((res, config) ->
                    config.entries().stream().filter(e -> e.name().contains("replication.throttled"))
                            .forEach(e -> assertThat(e.source()).as(res + " " + e.name() + "=" + e.value())
                                    .isNotIn(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
                                            org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG)));
        }
        finishedAndEveryRecordThere(load, "test-topic");
        SeedClusterTest.assertEveryRecordReadBack(client, topic, filled);
    }

    /** Runs a command that must succeed, such as mount. */
    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + said).isZero();
    }

    /**
     * One broker of three on a small filesystem of its own (a tmpfs, so root is needed, as in CI here), filled by
     * acks=all writes while the other two have room: Kafka takes its log directory offline and stops it, keks does not
     * start it again while the filesystem is full and says why, and once there is room it starts by itself and catches up
     * with every acknowledged record there.
     */
    @Test
    @Order(6)
    void aBrokerWhoseDiskFillsStopsIsHeldUntilThereIsRoomAndCatchesUpWithNothingLost() throws Exception {
        requireRoot("mounting a small filesystem needs root; run as root to test a full disk");
        Map<String, Long> before = pids();
        String victim = "cluster-broker-2";
        // the supervisor first, so that the broker can be moved onto its own filesystem while stopped
        killSupervisor();
        ProcessHandle broker = ProcessHandle.of(before.get(victim)).orElseThrow();
        broker.destroyForcibly();
        broker.onExit().join();
        Path volume = clusterDir().resolve("nodes/2/data-0");
        Path aside = Files.createTempDirectory(home, "aside");
        run("cp", "-a", volume + "/.", aside.toString());
        long lengths;
        try (Stream<Path> files = Files.walk(aside)) {
            lengths = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        // room for every file's length first (index files are sparse: they take less), then 48 MiB more than they take
        run("mount", "-t", "tmpfs", "-o", "size=" + (lengths + (16L << 20)), "tmpfs", volume.toString());
        mounted = volume;
        run("cp", "-a", aside + "/.", volume.toString());
        var store = Files.getFileStore(volume);
        long size = store.getTotalSpace() - store.getUsableSpace() + (48L << 20);
        run("mount", "-o", "remount,size=" + size, volume.toString());
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();

        var client = SeedClusterTest.cluster().connections().clientProperties(null);
        try (var admin = SeedClusterTest.cluster().admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("disk-filler", 1, (short) 3)))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        LoadProducer load = new LoadProducer(client, "test-topic", "full");
        load.awaitAcked(200);
        // more than the small filesystem holds: the broker on it fails while the other two take every write
        java.util.Set<String> filled = io.keks.local.TestRecords.fill(client, "disk-filler", 64 << 20);
        JsonNode[] held = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(warnings(s, "VolumeFull")).as(s.path("conditions").toString()).hasSize(1);
            held[0] = s;
        });
        assertThat(warnings(held[0], "VolumeFull").get(0).path("message").asText())
                .startsWith(victim + " stopped and is not started again: its volume " + volume + " is on a filesystem ")
                .contains("free space on that filesystem", "starts " + victim + " again by itself");
        for (JsonNode n : held[0].path("nodes")) {
            if (n.path("name").asText().equals(victim)) {
                assertThat(n.path("state").asText()).isEqualTo("VolumeFull");
            }
        }
        assertThat(Files.readString(SeedClusterTest.cluster().logFile(2))).contains("have failed");
        // it stays down while the filesystem is full: the producer goes on with the other two
        Thread.sleep(3_000);
        assertThat(pids().get(victim)).isZero();
        load.awaitAcked(200);

        run("mount", "-o", "remount,size=" + (size + (256L << 20)), volume.toString());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(s.path("ready").asBoolean()).as(s.toString()).isTrue();
            assertThat(s.path("conditions").toString()).doesNotContain("VolumeFull", "PartitionsUnderMinIsr", "LogDirectoryOffline");
        });
        try (var admin = SeedClusterTest.cluster().admin()) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> admin.describeTopics(
                    List.of("disk-filler", "test-topic")).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS).values()
                    .forEach(t -> t.partitions().forEach(p -> assertThat(p.isr()).as(t.name() + " caught up").hasSize(3))));
        }
        finishedAndEveryRecordThere(load, "test-topic");
        SeedClusterTest.assertEveryRecordReadBack(client, "disk-filler", filled);
    }

    /** Each node's state by name, as `keks status` shows it. */
    static Map<String, String> states(JsonNode status) {
        Map<String, String> out = new HashMap<>();
        status.path("nodes").forEach(n -> out.put(n.path("name").asText(), n.path("state").asText()));
        return out;
    }

    /**
     * A network partition on this machine's loopback (nftables and a net_cls cgroup, {@link NetworkPartition}): one broker,
     * then the active controller, cut off from every other node for 30 s under an acks=all producer, then healed. The
     * broker is fenced and its leaderships move, the controller loses its leadership, keks status says so meanwhile, both
     * rejoin as the same processes, and every acknowledged record is read back.
     */
    @Test
    @Order(7)
    void aBrokerThenTheActiveControllerCutOffFor30sAreFencedOrReplacedAndRejoinWithNothingLost() throws Exception {
        requireRoot("cutting a process off the network with nftables needs root");
        Map<String, Long> before = pids();
        LoadProducer load = new LoadProducer(SeedClusterTest.cluster().connections().clientProperties(null), "test-topic", "cut");
        load.awaitAcked(200);

        String broker = "cluster-broker-1";
        long cut = System.nanoTime();
        try (NetworkPartition partition = NetworkPartition.isolate(before.get(broker))) {
            // while a node is cut off, one `keks status` can take a minute or more: each Admin call that goes to the
            // silent node waits out its timeout before another node is asked
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode s = SeedClusterTest.status();
                assertThat(s.path("ready").asBoolean()).isFalse();
                assertThat(states(s).get(broker)).as(s.path("nodes").toString()).isNotEqualTo("Running");
            });
            try (var admin = SeedClusterTest.cluster().admin()) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                        admin.describeTopics(List.of("test-topic")).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS)
                                .get("test-topic").partitions().forEach(p -> assertThat(p.leader().id()).as("leader moved off it")
                                        .isNotEqualTo(1)));
            }
            load.awaitAcked(300);
            sleepUntil(cut + Duration.ofSeconds(30).toNanos());
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(s.path("ready").asBoolean()).as(s.toString()).isTrue();
        });
        assertThat(pids().get(broker)).as("rejoined as the same process").isEqualTo(before.get(broker));

        JsonNode now = SeedClusterTest.status();
        int active = now.path("activeController").asInt();
        String controller = "cluster-controller-" + active;
        cut = System.nanoTime();
        try (NetworkPartition partition = NetworkPartition.isolate(before.get(controller))) {
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode s = SeedClusterTest.status();
                assertThat(s.path("activeController").isInt() && s.path("activeController").asInt() != active)
                        .as("another controller leads: " + s.path("activeController")).isTrue();
            });
            load.awaitAcked(300);
            sleepUntil(cut + Duration.ofSeconds(30).toNanos());
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode s = SeedClusterTest.status();
            assertThat(s.path("ready").asBoolean()).as(s.toString()).isTrue();
            assertThat(s.path("voters")).hasSize(3);
            assertThat(states(s).get(controller)).isEqualTo("Running");
        });
        assertThat(pids().get(controller)).as("rejoined as the same process").isEqualTo(before.get(controller));
        try (var admin = SeedClusterTest.cluster().admin()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var quorum = admin.describeMetadataQuorum().quorumInfo().get(30, java.util.concurrent.TimeUnit.SECONDS);
                long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId()).findFirst().orElseThrow()
                        .logEndOffset();
                assertThat(quorum.voters().stream().filter(v -> v.replicaId() == active).findFirst().orElseThrow().logEndOffset())
                        .as("the controller cut off caught up").isGreaterThanOrEqualTo(leaderEnd - 10);
            });
        }
        finishedAndEveryRecordThere(load, "test-topic");
    }

    /** Skips the test where it cannot run without root, except under CI=true, where it must run. */
    static void requireRoot(String why) throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = new String(id.getInputStream().readAllBytes()).strip().equals("0");
        if (!root && !"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.abort(why);
        }
    }

    /** The cluster's supervisor killed with SIGKILL; the nodes keep running. */
    static void killSupervisor() throws Exception {
        ProcessHandle supervisor = ProcessHandle.of(Long.parseLong(Files.readString(clusterDir().resolve("supervisor.pid")).trim()))
                .orElseThrow();
        supervisor.destroyForcibly();
        supervisor.onExit().join();
    }

    /** Sleeps until System.nanoTime() reaches {@code nanos}. */
    static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }

    static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
