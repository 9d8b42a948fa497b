package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * keks' own files damaged, on the development cluster with records in it: keks refuses with the file and what to
 * do, never deletes or formats data to get past it, and once the file is put back the records are all there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DamagedFilesTest {
    static Path home;
    static Path dir;
    static final int RECORDS = 200;

    @BeforeAll
    static void up() throws Exception {
        home = Files.createTempDirectory("keks-damaged-test");
        System.setProperty("keks.home", home.toString());
        KeksCli.Result r = KeksCli.run("up", "-d", "--port-shift", String.valueOf(io.keks.local.PortShifts.free()), "-f",
                Path.of(SeedClusterTest.EXAMPLES, "dev").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String records = IntStream.range(0, RECORDS).mapToObj(i -> "r" + i + "\n").collect(Collectors.joining());
        assertThat(KeksCli.runWithInput(records, "produce", "dev-topic").exitCode()).isZero();
        dir = home.resolve("clusters/dev");
    }

    @AfterAll
    static void down() throws Exception {
        try {
            KeksCli.run("down", "--cluster", "dev");
        } finally {
            io.keks.local.TestHomes.killAll(home);
            SeedClusterTest.killLeftovers(home);
        }
    }

    static void stop() {
        KeksCli.Result d = KeksCli.run("down");
        assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
    }

    static void upAndAllRecordsThere() {
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        KeksCli.Result read = KeksCli.run("consume", "dev-topic", "--from-beginning", "--max-messages", String.valueOf(RECORDS));
        assertThat(read.out().lines().collect(Collectors.toSet())).hasSize(RECORDS);
    }

    static List<Path> dataFiles() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("nodes/0/data-0"))) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList();
        }
    }

    @Test
    @Order(1)
    void aTruncatedStateJsonIsRefusedByNameAndItsDataKept() throws Exception {
        stop();
        Path state = dir.resolve("state.json");
        Path backup = home.resolve("state.json.bak");
        Files.copy(state, backup);
        byte[] whole = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(whole, whole.length / 3));
        List<Path> before = dataFiles();
        for (String command : List.of("status", "up")) {
            KeksCli.Result r = command.equals("up") ? KeksCli.run("up", "-d") : KeksCli.run(command);
            assertThat(r.exitCode()).as(command + ": " + r.out() + r.err()).isEqualTo(1);
            assertThat(r.err()).as(command).contains("error: " + state + " cannot be read (", "line ",
                    "it holds keks' record of cluster dev", "no data was deleted", "restore the file from a backup",
                    "keks down --delete-data --cluster dev");
        }
        Files.writeString(state, "{}");
        assertThat(KeksCli.run("up", "-d").err()).contains(state + " cannot be read (its name or cluster id is missing)");
        assertThat(dataFiles()).isEqualTo(before).isNotEmpty();
        Files.copy(backup, state, StandardCopyOption.REPLACE_EXISTING);
        upAndAllRecordsThere();
    }

    @Test
    @Order(2)
    void aDamagedRollRecordIsShownByStatusAndRefusedByUp() throws Exception {
        stop();
        Path roll = dir.resolve("roll.json");
        Files.writeString(roll, "{\"requestId\": \"x\", \"phase\": ");
        KeksCli.Result status = KeksCli.run("status", "-o", "json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("\"reason\" : \"DamagedFile\"", roll + " cannot be read");
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isEqualTo(1);
        assertThat(up.err()).contains(roll + " cannot be read", "the record of the last change of nodes", "delete this file");
        assertThat(LocalCluster.open(ClusterHome.fromEnvironment(), "dev").anyNodeRunning()).isFalse();
        Files.writeString(roll, "{}");
        assertThat(KeksCli.run("up", "-d").err()).contains(roll + " cannot be read (its requestId or phase is missing)");
        Files.delete(roll);
        upAndAllRecordsThere();
    }

    @Test
    @Order(3)
    void aLostMetaPropertiesIsRefusedWithWhatItMustHoldAndNeverFormattedAgain() throws Exception {
        stop();
        Path meta = dir.resolve("nodes/0/data-0/kafka-log0/meta.properties");
        String kept = Files.readString(meta);
        Files.delete(meta);
        List<Path> before = dataFiles();
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isEqualTo(1);
        String clusterId = kept.lines().filter(l -> l.startsWith("cluster.id=")).findFirst().orElseThrow();
        String directoryId = kept.lines().filter(l -> l.startsWith("directory.id=")).findFirst().orElseThrow();
        // the dev node is an initial controller: keks knows the id its metadata directory was formatted with
        assertThat(up.err()).contains(meta + " cannot be read (it is missing)", "dev-dual-role-0", clusterId, "node.id=0", directoryId,
                "keks never formats a node that holds data again");
        assertThat(meta).doesNotExist();
        assertThat(dataFiles()).isEqualTo(before);
        Files.writeString(meta, kept.replace(clusterId, "cluster.id=AAAAAAAAAAAAAAAAAAAAAA"));
        assertThat(KeksCli.run("up", "-d").err()).contains("cluster.id is AAAAAAAAAAAAAAAAAAAAAA, the cluster's is "
                + clusterId.substring("cluster.id=".length()));
        Files.writeString(meta, kept);
        upAndAllRecordsThere();
    }

    @Test
    @Order(4)
    void aTruncatedServerPropertiesIsWrittenAgainFromTheManifests() throws Exception {
        stop();
        Path props = dir.resolve("nodes/0/server.properties");
        Files.writeString(props, "node.id=");
        upAndAllRecordsThere();
        assertThat(Files.readString(props)).contains("node.id=0", "process.roles=");
    }

    @Test
    @Order(5)
    void aDamagedStoredManifestIsRefusedWithItsFileAndLine() throws Exception {
        stop();
        Path stored;
        try (Stream<Path> files = Files.list(dir.resolve("manifests"))) {
            stored = files.filter(f -> f.toString().endsWith(".yaml")).findFirst().orElseThrow();
        }
        String kept = Files.readString(stored);
        Files.writeString(stored, kept.substring(0, kept.length() / 2) + "\n  : [unclosed\n");
        KeksCli.Result up = KeksCli.run("up", "-d");
        assertThat(up.exitCode()).as(up.out() + up.err()).isEqualTo(2);
        assertThat(up.err()).contains(stored.toString() + ":", "the manifests keks last applied to cluster dev");
        Files.writeString(stored, kept);
        upAndAllRecordsThere();
    }

    /** The processes the cluster's pid files name (its nodes and supervisor) that are alive. */
    static List<ProcessHandle> live() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().equals("pid") || f.getFileName().toString().equals("supervisor.pid"))
                    .map(f -> {
                        try {
                            return ProcessHandle.of(Long.parseLong(Files.readString(f).trim()));
                        } catch (Exception e) {
                            return java.util.Optional.<ProcessHandle>empty();
                        }
                    }).flatMap(java.util.Optional::stream).filter(ProcessHandle::isAlive).toList();
        }
    }

    @Test
    @Order(6)
    void downStopsARunningClusterWhoseStateCannotBeReadAndDeletesItOnlyWhenAsked() throws Exception {
        Path state = dir.resolve("state.json");
        List<ProcessHandle> running = live();
        assertThat(running).as("a node and its supervisor").hasSizeGreaterThanOrEqualTo(2);
        String kept = Files.readString(state);
        // the supervisor killed first: the node is found by its own pid file
        ProcessHandle supervisor = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim())).orElseThrow();
        supervisor.destroyForcibly();
        supervisor.onExit().join();
        Files.writeString(state, "not json");
        KeksCli.Result down = KeksCli.run("down");
        assertThat(down.exitCode()).as(down.out() + down.err()).isEqualTo(1);
        assertThat(down.out()).contains("stopping 0 (pid ", "Cluster dev stopped; data kept in " + dir);
        assertThat(down.err()).contains(state + " cannot be read");
        assertThat(running).noneMatch(ProcessHandle::isAlive);
        assertThat(dataFiles()).isNotEmpty();
        Files.writeString(state, kept);
        upAndAllRecordsThere();
        List<ProcessHandle> again = live();
        Files.writeString(state, "not json");
        KeksCli.Result gone = KeksCli.run("down", "--delete-data");
        assertThat(gone.exitCode()).as(gone.out() + gone.err()).isZero();
        assertThat(gone.out()).contains("stopping the supervisor (pid ", "Cluster dev stopped and its data deleted");
        assertThat(dir).doesNotExist();
        assertThat(again).isNotEmpty().noneMatch(ProcessHandle::isAlive);
    }
}
