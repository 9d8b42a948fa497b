package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input given to keks as a user gives it. Every manifest of the model's bad-manifests corpus, those only Kafka's
 * own config definitions refuse among them: `keks up`, `keks apply` and `keks render` each exit 2 with exactly the
 * message the corpus expects for it, and KEKS_HOME is left as it was, not a file or directory more (no state, CA,
 * node directory or stored manifest). Options out of range likewise.
 */
class BadInputTest {
    static final Path CORPUS = Path.of(System.getProperty("keks.install.dir", ".."), "model", "src", "test", "resources",
            "bad-manifests");
    static Path home;

    @BeforeAll
    static void home() throws IOException {
        home = Files.createTempDirectory("keks-bad-input");
        System.setProperty("keks.home", home.toString());
    }

    @AfterAll
    static void clean() throws IOException {
        SeedClusterTest.killLeftovers(home);
    }

    static Map<String, String> expected(String file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS.resolve(file))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.put(line.substring(0, line.indexOf(".yaml") + 5), line);
            }
        }
        return out;
    }

    /** Every path under KEKS_HOME with what its file holds: any trace a refused command left shows as a difference. */
    static Map<String, String> snapshot() throws Exception {
        Map<String, String> out = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                out.put(home.relativize(p).toString(), Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    static void assertRefusedLeavingHomeAsItWas(String message, String... args) throws Exception {
        Map<String, String> before = snapshot();
        KeksCli.Result r = KeksCli.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).contains(message).doesNotContain("Exception", "\tat ");
        assertThat(snapshot()).as("KEKS_HOME after " + String.join(" ", args)).isEqualTo(before);
    }

    @TestFactory
    Stream<DynamicTest> everyBadManifestIsRefusedByUpApplyAndRenderWithNothingWritten() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>(expected("expected-errors.txt"));
        cases.putAll(expected("expected-errors-kafka.txt"));
        assertThat(cases).hasSizeGreaterThan(60);
        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
            String file = CORPUS.resolve(c.getKey()).toString();
            // the corpus names files bare; keks names them as given
            String message = c.getValue().replace(c.getKey(), file);
            for (List<String> command : List.of(List.of("up", "-d"), List.of("apply"), List.of("render"))) {
                String[] args = Stream.concat(command.stream(), Stream.of("-f", file)).toArray(String[]::new);
                assertRefusedLeavingHomeAsItWas(message, args);
            }
        }));
    }

    @Test
    void listenersWhosePortsMeetOnAnotherNodeAreRefusedHere() throws Exception {
        String dev = Files.readString(Path.of(SeedClusterTest.EXAMPLES, "dev", "kafka-dev.yaml"));
        String clashing = dev.replace("""
                      - name: plain
                        port: 9092
                        type: internal
                        tls: false
                """, """
                      - name: plain
                        port: 9092
                        type: internal
                        tls: false
                      - name: other
                        port: 9192
                        type: internal
                        tls: false
                """).replace("replicas: 1\n  roles", "replicas: 2\n  roles");
        assertThat(clashing).contains("port: 9192", "replicas: 2\n  roles");
        Path file = Files.createTempDirectory("keks-clash").resolve("kafka-dev.yaml");
        Files.writeString(file, clashing);
        assertRefusedLeavingHomeAsItWas("node 1's listener plain (9092 + 100 x 1) and node 0's listener other (9192 + 100 x 0) would"
                + " both be port 9192 here", "up", "-d", "-f", file.toString());
    }

    @Test
    void aKafkaVersionThatCannotBeFetchedIsNamedAtItsLine() throws Exception {
        Path file = Files.createTempDirectory("keks-version").resolve("kafka.yaml");
        String seed = Files.readString(CORPUS.resolve("25-replicas-not-integer.yaml")).replace("replicas: three", "replicas: 3");
        Files.writeString(file, seed.replace("version: 4.4.0", "version: 99.0.0"));
        assertRefusedLeavingHomeAsItWas(file + ":7: spec.kafka.version: Kafka 99.0.0 cannot be had: cannot fetch Kafka 99.0.0",
                "up", "-d", "-f", file.toString());
    }

    @Test
    void aFileWithNoDocumentIsNamed() throws Exception {
        Path dir = Files.createTempDirectory("keks-empty");
        Files.writeString(dir.resolve("empty.yaml"), "");
        Files.writeString(dir.resolve("separators.yaml"), "---\n# nothing yet\n---\n");
        KeksCli.Result r = KeksCli.run("render", "-f", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("empty.yaml: holds no YAML document (it is empty, or only '---' lines and comments), so nothing"
                + " in it is applied", "separators.yaml: holds no YAML document");
    }

    @Test
    void aNewClusterWhoseStorageCannotBeFormattedLeavesNothingBehind() throws Exception {
        // a late step fails: every check passes, keks writes the state, the CA and the nodes' files, then Kafka's
        // storage tool cannot run (its jars are not there); what the pass wrote goes with it
        Path bundle = Files.createTempDirectory("keks-broken-bundle");
        Files.createDirectories(bundle.resolve("4.4.0"));
        Files.writeString(bundle.resolve("4.4.0").resolve("kafka_2.13-4.4.0.jar"), "not a jar");
        String previous = System.getProperty("keks.kafka.bundle");
        System.setProperty("keks.kafka.bundle", bundle.toString());
        try {
            Map<String, String> before = snapshot();
            KeksCli.Result r = KeksCli.run("apply", "-f", Path.of(SeedClusterTest.EXAMPLES, "dev").toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isNotZero();
            assertThat(r.out()).as("the pass got as far as formatting").contains("formatting storage");
            assertThat(snapshot()).isEqualTo(before);
        } finally {
            if (previous == null) {
                System.clearProperty("keks.kafka.bundle");
            } else {
                System.setProperty("keks.kafka.bundle", previous);
            }
        }
    }

    @Test
    void optionsOutOfRangeAreRefusedBeforeAnythingIsWritten() throws Exception {
        String dev = Path.of(SeedClusterTest.EXAMPLES, "dev").toString();
        assertRefusedLeavingHomeAsItWas("--port-shift 70000 is outside 0..50000", "up", "-d", "--port-shift", "70000", "-f", dev);
        assertRefusedLeavingHomeAsItWas("--port-shift -5 is outside 0..50000", "up", "-d", "--port-shift", "-5", "-f", dev);
        assertRefusedLeavingHomeAsItWas("--timeout -1 is not a wait", "up", "-d", "--timeout", "-1", "-f", dev);
        assertRefusedLeavingHomeAsItWas("--max-heap 0 is less than a Kafka node starts with", "up", "-d", "--max-heap", "0", "-f", dev);
        assertRefusedLeavingHomeAsItWas("Invalid value for option '--timeout': 0 is not a wait", "apply", "--timeout", "0", "-f", dev);
    }
}
