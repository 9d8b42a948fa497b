package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code keks up} with no -f in a home that already holds a cluster brings that cluster back, as a
 * user means it: nodes left running after the supervisor died are taken over, not restarted; a
 * stopped cluster starts with its data; the seed's manifests are not reached for.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeTest {
    static Path home;
    static String dev;

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-resume-test");
        System.setProperty("keks.home", home.toString());
        dev = SeedClusterTest.EXAMPLES + "/dev";
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f", dev);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Kafka cluster dev is ready");
    }

    @AfterAll
    static void down() throws IOException {
        try {
            KeksCli.run("down", "--cluster", "second", "--delete-data");
            KeksCli.run("down", "--cluster", "dev", "--delete-data");
        } finally {
            SeedClusterTest.killLeftovers(home);
        }
    }

    static long supervisorPid(String cluster) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("clusters/" + cluster + "/supervisor.pid")).trim());
    }

    @Test
    @Order(1)
    void nodesLeftRunningByAKilledSupervisorAreTakenOverNotRestarted() throws Exception {
        assertThat(KeksCli.runWithInput("before the supervisor died\n", "produce", "dev-topic").exitCode()).isZero();
        JsonNode before = SeedClusterTest.status();
        long nodePid = before.path("nodes").get(0).path("pid").asLong();
        ProcessHandle supervisor = ProcessHandle.of(supervisorPid("dev")).orElseThrow();
        supervisor.destroyForcibly();
        supervisor.onExit().join();

        KeksCli.Result r = KeksCli.run("up", "-d");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Bringing back cluster dev of " + home, "Taking over Kafka cluster dev",
                "1 of 1 node(s) were running without a supervisor", "Kafka cluster dev is ready");
        assertThat(r.out()).doesNotContain("cluster cluster");
        assertThat(home.resolve("clusters/cluster")).doesNotExist();
        JsonNode after = SeedClusterTest.status();
        assertThat(after.path("nodes").get(0).path("pid").asLong()).as("the node kept running").isEqualTo(nodePid);
        assertThat(after.path("nodes").get(0).path("restarts").asInt()).isZero();
        assertThat(supervisorPid("dev")).isNotEqualTo(supervisor.pid());
        assertThat(ProcessHandle.of(supervisorPid("dev"))).isPresent();
    }

    @Test
    @Order(2)
    void aStoppedClusterComesBackWithItsDataAndItsOwnManifests() throws Exception {
        String clusterId = SeedClusterTest.status().path("clusterId").asText();
        assertThat(KeksCli.run("down").exitCode()).isZero();

        KeksCli.Result r = KeksCli.run("up", "-d");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Bringing back cluster dev", "Starting Kafka cluster dev", "kafkatopic/dev-topic ready");
        assertThat(SeedClusterTest.status().path("clusterId").asText()).isEqualTo(clusterId);
        KeksCli.Result read = KeksCli.run("consume", "dev-topic", "--from-beginning", "--max-messages", "1", "--timeout-ms", "60000");
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out()).isEqualTo("before the supervisor died\n");
    }

    @Test
    @Order(3)
    void withSeveralStoppedClustersUpAsksWhichAndBringsBackTheOneNamed() throws Exception {
        assertThat(KeksCli.run("down").exitCode()).isZero();
        Path second = home.resolve("second.yaml");
        Files.writeString(second, Files.readString(Path.of(dev, "kafka-dev.yaml"))
                .replace("name: dev\n", "name: second\n").replace("strimzi.io/cluster: dev\n", "strimzi.io/cluster: second\n"));
        KeksCli.Result s = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f", second.toString());
        assertThat(s.exitCode()).as(s.out() + s.err()).isZero();
        assertThat(KeksCli.run("down", "--cluster", "second").exitCode()).isZero();

        KeksCli.Result which = KeksCli.run("up", "-d");
        assertThat(which.exitCode()).isEqualTo(2);
        assertThat(which.err()).contains("holds the clusters dev, second", "keks up --cluster NAME");
        KeksCli.Result unknown = KeksCli.run("up", "-d", "--cluster", "third");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no cluster third in " + home, "it holds dev, second");
        KeksCli.Result both = KeksCli.run("up", "-d", "--cluster", "dev", "-f", dev);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--cluster picks a cluster of KEKS_HOME to bring back without -f");

        KeksCli.Result r = KeksCli.run("up", "-d", "--cluster", "dev");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Bringing back cluster dev", "Kafka cluster dev is ready");
        JsonNode status = SeedClusterTest.JSON.readTree(KeksCli.run("status", "--cluster", "dev", "-o", "json").out());
        assertThat(status.path("ready").asBoolean()).isTrue();
        // with one of the two running, that one is meant
        KeksCli.Result again = KeksCli.run("up", "-d");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("Bringing back cluster dev", "Cluster dev is already running");
        assertThat(Set.copyOf(List.of(home.resolve("clusters").toFile().list()))).containsExactlyInAnyOrder("dev", "second");
    }

    /** Without spec.kafka.metricsConfig (the dev cluster has none), the page's cards and counts come from the Admin API. */
    @Test
    @Order(4)
    void theDashboardShowsTheClusterFromTheAdminApiWithoutMetrics() throws Exception {
        JsonNode status = SeedClusterTest.JSON.readTree(KeksCli.run("status", "--cluster", "dev", "-o", "json").out());
        String url = status.path("dashboard").asText();
        assertThat(status.path("nodes").get(0).path("metricsUrl").isNull()).as("the dev cluster exports no metrics").isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode g = SeedClusterTest.JSON.readTree(SeedClusterTest.get(url + "api/glance"));
            assertThat(g.path("metrics").asBoolean()).isFalse();
            assertThat(g.path("admin").asBoolean()).isTrue();
            assertThat(g.path("headline").path("activeController").asInt(-1)).isZero();
            assertThat(g.path("headline").path("brokersOnline").asInt()).isEqualTo(1);
            for (String count : List.of("underReplicated", "offlinePartitions", "underMinIsr")) {
                assertThat(g.path("headline").path(count).isNumber()).as(count).isTrue();
                assertThat(g.path("headline").path(count).asDouble()).as(count).isZero();
            }
            JsonNode node = g.path("nodes").get(0);
            assertThat(node.path("partitions").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(node.path("leaders").asInt()).isEqualTo(node.path("partitions").asInt());
            assertThat(node.path("logBytes").asDouble()).as("a record was produced").isPositive();
        });
        Path artifacts = Path.of("target", "dashboard-dev");
        Files.createDirectories(artifacts);
        String dom = HeadlessChromium.dumpDom(url, artifacts.resolve("profile-dom"), d -> d.contains("data-node=\"0\""));
        Files.writeString(artifacts.resolve("dashboard.html"), dom);
        String cards = dom.substring(dom.indexOf("<section id=\"cards\""), dom.indexOf("</section>", dom.indexOf("<section id=\"cards\"")));
        assertThat(cards).doesNotContain("n/a").contains("dev-dual-role-0 (0)", "1 / 1");
        String row = dom.substring(dom.indexOf("data-node=\"0\""), dom.indexOf("</tr>", dom.indexOf("data-node=\"0\"")));
        List<String> cells = java.util.regex.Pattern.compile("<td[^>]*>([^<]*)</td>").matcher(row).results().map(m -> m.group(1)).toList();
        // name, roles, state, bytes in, bytes out, messages in (these three need metrics), partitions, leaders, log size,
        // disk (the fullest log directory, from the Admin API too), heap
        assertThat(cells).hasSize(11);
        assertThat(cells.subList(6, 10)).as(row).noneMatch(c -> c.equals("n/a") || c.isEmpty());
        assertThat(cells.get(9)).as(row).matches("\\d+% of \\d.*");
        assertThat(dom).contains("Kafka metrics are off, so throughput and heap are not charted");
    }

    /**
     * The local side of the change gate's one policy when Kafka does not answer (the operator's is in
     * KafkaNotAnsweringTest): the node runs but is frozen, so a change only Kafka can check is refused.
     */
    @Test
    @Order(5)
    void aChangeOnlyKafkaCanCheckIsRefusedWhileTheNodeRunsButDoesNotAnswer() throws Exception {
        long pid = SeedClusterTest.JSON.readTree(KeksCli.run("status", "--cluster", "dev", "-o", "json").out())
                .path("nodes").get(0).path("pid").asLong();
        Path changed = home.resolve("dev-without-min-isr.yaml");
        Files.writeString(changed, Files.readString(Path.of(dev, "kafka-dev.yaml")).replace("      min.insync.replicas: 1\n", ""));
        assertThat(Files.readString(changed)).doesNotContain("min.insync.replicas");
        signal("STOP", pid);
        try {
            KeksCli.Result r = KeksCli.run("apply", "-f", changed.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("refused, nothing was changed", "sets another cluster-wide min.insync.replicas",
                    "Kafka did not answer");
        } finally {
            signal("CONT", pid);
        }
        assertThat(Files.readString(home.resolve("clusters/dev/manifests/Kafka-dev.yaml"))).contains("min.insync.replicas");
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }
}
