package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The one-node development cluster (one combined controller and broker) grown into a real one: its pool from 1 to 3
 * replicas, the new nodes added to the metadata quorum as voters; then every node moved to a new pool in two applies
 * (the new pool added, the old one removed: its brokers drained, its controllers removed from the voters). Under a
 * producer that loses nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevQuorumGrowthTest {
    static Path home;
    static Path manifests;
    /** Every record the producers of the tests before were told was written. */
    static final Set<String> acknowledged = new HashSet<>();

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-dev-quorum-test");
        System.setProperty("keks.home", home.toString());
        manifests = Files.createDirectories(home.resolve("manifests")).resolve("kafka-dev.yaml");
        Files.copy(Path.of(SeedClusterTest.EXAMPLES, "dev", "kafka-dev.yaml"), manifests);
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

    @Test
    @Order(1)
    void aOneNodeDevClusterGrowsToThreeVotingNodesWithoutLosingARecord() throws Exception {
        LocalCluster c = LocalCluster.open(ClusterHome.fromEnvironment(), "dev");
        try (Admin admin = c.admin()) {
            admin.createTopics(List.of(new NewTopic("grow-topic", 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        LoadProducer load = new LoadProducer(c.connections().clientProperties(null), "grow-topic", "dev");
        load.awaitAcked(500);

        String dev = Files.readString(manifests);
        String grown = dev.replace("spec:\n  replicas: 1\n  roles:", "spec:\n  replicas: 3\n  roles:");
        assertThat(grown).isNotEqualTo(dev);
        Files.writeString(manifests, grown);
        KeksCli.Result applied = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
        assertThat(applied.out()).contains("dev-dual-role-1 votes in the metadata quorum (voters now [0, 1]",
                "dev-dual-role-2 votes in the metadata quorum (voters now [0, 1, 2]");
        try (Admin admin = c.admin()) {
            QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(0, 1, 2);
        }
        JsonNode status = new ObjectMapper().readTree(KeksCli.run("status", "-o", "json").out());
        assertThat(status.path("voters")).extracting(JsonNode::asInt).containsExactly(0, 1, 2);
        assertThat(status.path("ready").asBoolean()).as(status.toString()).isTrue();

        load.awaitAcked(500).close();
        assertThat(load.errors()).isEmpty();
        SeedClusterTest.assertEveryRecordReadBack(c.connections().clientProperties(null), "grow-topic", load.acked());
        acknowledged.addAll(load.acked());
    }

    @Test
    @Order(2)
    void theQuorumMovesToANewPoolInTwoAppliesWithoutLosingItsMajorityOrARecord() throws Exception {
        LocalCluster c = LocalCluster.open(ClusterHome.fromEnvironment(), "dev");
        LoadProducer load = new LoadProducer(c.connections().clientProperties(null), "grow-topic", "move");
        load.awaitAcked(500);
        String three = Files.readString(manifests);
        int start = three.indexOf("apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaNodePool");
        int end = three.indexOf("\n---", start);
        String oldPool = three.substring(start, end < 0 ? three.length() : end);
        String newPool = oldPool.replace("  name: dual-role\n", "  name: dual-role-b\n");
        assertThat(newPool).isNotEqualTo(oldPool);

        Files.writeString(manifests, three + (three.endsWith("\n") ? "" : "\n") + "---\n" + newPool + "\n");
        KeksCli.Result added = KeksCli.run("apply", "-f", manifests.toString());
        assertThat(added.exitCode()).as(added.out() + added.err()).isZero();
        assertThat(added.out()).contains("dev-dual-role-b-5 votes in the metadata quorum (voters now [0, 1, 2, 3, 4, 5]");

        // the old pool deleted, as `kubectl delete kafkanodepool` would: its brokers drained, its controllers removed
        KeksCli.Result moved = KeksCli.run("delete", "kafkanodepool", "dual-role");
        assertThat(moved.exitCode()).as(moved.out() + moved.err()).isZero();
        assertThat(moved.out()).contains("dev-dual-role-0 no longer votes", "dev-dual-role-2 no longer votes",
                "brokers [0, 1, 2] hold no replicas any more", "dev-dual-role-0 removed", "kafkanodepool/dual-role deleted");
        assertThat(KeksCli.run("get", "kafkanodepools").out()).contains("dual-role-b").doesNotContain("dual-role ");
        Files.writeString(manifests, three.substring(0, start) + newPool + "\n");
        KeksCli.Result again = KeksCli.run("delete", "knp", "dual-role");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no KafkaNodePool dual-role in cluster dev");
        // the cluster as it is now: its bootstrap servers are the new pool's brokers
        c = LocalCluster.open(ClusterHome.fromEnvironment(), "dev");
        try (Admin admin = c.admin()) {
            QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(3, 4, 5);
            assertThat(q.leaderId()).isIn(3, 4, 5);
        }
        JsonNode status = new ObjectMapper().readTree(KeksCli.run("status", "-o", "json").out());
        assertThat(status.path("nodes").findValuesAsText("name")).containsExactlyInAnyOrder("dev-dual-role-b-3", "dev-dual-role-b-4",
                "dev-dual-role-b-5");
        assertThat(status.path("ready").asBoolean()).as(status.toString()).isTrue();

        load.awaitAcked(500).close();
        assertThat(load.errors()).isEmpty();
        SeedClusterTest.assertEveryRecordReadBack(c.connections().clientProperties(null), "grow-topic", load.acked());
        acknowledged.addAll(load.acked());
    }

    @Test
    @Order(3)
    void aGrowthCutShortByAPowerLossIsFinishedByTheNextUp() throws Exception {
        String three = Files.readString(manifests);
        String five = three.replace("spec:\n  replicas: 3\n  roles:", "spec:\n  replicas: 5\n  roles:");
        assertThat(five).isNotEqualTo(three).doesNotContain("name: dual-role\n");
        Files.writeString(manifests, five);
        Path supervisorLog = home.resolve("clusters/dev/supervisor.log");
        long logBefore = Files.size(supervisorLog);
        CompletableFuture<KeksCli.Result> grow = CompletableFuture.supplyAsync(() -> KeksCli.run("apply", "-f", manifests.toString()));
        // every process of the cluster killed at once, the supervisor with them, once the first new node started and
        // before the quorum could count it
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> grow.isDone()
                || Files.readString(supervisorLog).substring((int) logBefore).contains("starting dev-dual-role-b-0, new in pool dual-role-b"));
        assertThat(grow).as(() -> "the apply ended before starting a node: " + grow.join()).isNotDone();
        io.keks.local.TestHomes.killAll(home);
        KeksCli.Result cut = grow.get(2, TimeUnit.MINUTES);
        assertThat(cut.exitCode()).as(cut.out() + cut.err()).isNotZero();
        assertThat(cut.err()).contains("the supervisor stopped during the roll");

        // a start from cold: the nodes left out of the quorum (the ids the old pool freed) are added, none is waited
        // for as if it already voted
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("the change the supervisor before stopped in the middle of is taken up again",
                "dev-dual-role-b-1 votes in the metadata quorum");
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode status = new ObjectMapper().readTree(KeksCli.run("status", "-o", "json").out());
            assertThat(status.path("voters")).extracting(JsonNode::asInt).containsExactly(0, 1, 3, 4, 5);
            assertThat(status.path("ready").asBoolean()).as(status.toString()).isTrue();
        });
        LocalCluster c = LocalCluster.open(ClusterHome.fromEnvironment(), "dev");
        SeedClusterTest.assertEveryRecordReadBack(c.connections().clientProperties(null), "grow-topic", acknowledged);
    }
}
