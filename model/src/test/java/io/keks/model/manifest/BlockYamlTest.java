package io.keks.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Manifests in plain block YAML are read by {@link BlockYaml} instead of SnakeYAML, for speed: what a
 * user gets back (documents, their order and index, every value with its type, the line of every
 * field, duplicate keys reported) must be exactly what SnakeYAML gives, and anything it does not
 * handle must be left to SnakeYAML rather than read differently.
 */
class BlockYamlTest {

    /** Compares the two readers on one text; false when BlockYaml left it to SnakeYAML. */
    private static boolean readAsSnakeYamlDoes(String name, String text, int firstLine) {
        BlockYaml.Read fast = BlockYaml.read(name, text, firstLine);
        YamlParser.Parsed slow = YamlParser.parseWithSnakeYaml(name, new YamlParser.Part(text, firstLine));
        if (fast == null) {
            return false;
        }
        assertThat(slow.malformed()).as("SnakeYAML finds this malformed, BlockYaml read it:%n%s", text).isFalse();
        assertThat(fast.composed()).as("documents composed of:%n%s", text).isEqualTo(slow.composed());
        assertThat(fast.documents()).as("documents of:%n%s", text).isEqualTo(slow.result().documents());
        assertThat(fast.problems()).as("problems of:%n%s", text).isEqualTo(slow.result().problems());
        return true;
    }

    @Test
    void everyYamlFileOfTheRepositoryReadsAsWithSnakeYaml() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("examples", "deploy", "model/src/test/resources")) {
            try (Stream<Path> s = Files.walk(root.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThan(40);
        List<Path> fast = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            if (YamlParser.nestingProblem(f.toString(), new YamlParser.Part(text, 0)) != null) {
                continue; // refused before either reader recurses into it
            }
            if (readAsSnakeYamlDoes(f.toString(), text, 0)) {
                fast.add(f);
            }
        }
        // the seed cluster's manifests are the plain kind this reader is for
        assertThat(fast).contains(root.resolve("examples/kafka-manifests/kafka-cluster.yaml"),
                root.resolve("examples/kafka-topics.yaml"));
    }

    @Test
    void generatedDocumentsReadAsWithSnakeYaml() {
        Random random = new Random(20261201);
        int fast = 0;
        int cases = 4_000;
        for (int i = 0; i < cases; i++) {
            String text = new Generator(random).stream();
            if (readAsSnakeYamlDoes("g.yaml", text, random.nextInt(3) * 50)) {
                fast++;
            }
        }
        // most generated texts stay in the subset, so the comparison above is mostly of BlockYaml's own reading
        assertThat(fast).isGreaterThan(cases / 3);
    }

    @Test
    void yamlOutsideThePlainBlockSubsetIsLeftToSnakeYaml() {
        for (String text : List.of(
                "a: {b: 1}\n", "a: [1, [2]]\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n",
                "a: one\n  two\n", "a:\nb: 1\n", "a:\tb\n", "a: \"x\\ty\"\n", "a: 'it''s'\n", "%YAML 1.2\n---\na: 1\n",
                "a: 1\n...\n", "--- a: 1\n", "a: 1\n b: 2\n", "- a\nb: 1\n", "a: b: c\n", "? a\n: b\n", "\"a\": 1\n",
                "a:\n  - b\n c: 1\n", "hello\n", "a: 1 \r\n\rb: 2\n", "a: -\n", "-\n- b\n", "a: \"open\n", "a: [- b]\n", "a: [b, - c]\n")) {
            assertThat(BlockYaml.read("t.yaml", text, 0)).as("%s", text).isNull();
        }
    }

    @Test
    void aFileOfManyKafkaTopicsIsReadByBlockYamlWithEveryLine() {
        StringBuilder text = new StringBuilder("# topics\n");
        for (int i = 0; i < 500; i++) {
            text.append("""
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: KafkaTopic
                    metadata:
                      name: t-%05d
                      labels:
                        strimzi.io/cluster: cluster
                    spec:
                      partitions: %d
                      replicas: 3
                      config:
                        retention.ms: 604800000 # a week
                        cleanup.policy: "delete"
                    ---
                    """.formatted(i, 1 + i % 5));
        }
        assertThat(readAsSnakeYamlDoes("topics.yaml", text.toString(), 0)).isTrue();
        BlockYaml.Read read = BlockYaml.read("topics.yaml", text.toString(), 0);
        assertThat(read.documents()).hasSize(500);
        assertThat(read.composed()).isEqualTo(501); // the "---" after the last one starts an empty document
        YamlDocument last = read.documents().get(499);
        assertThat(last.startLine()).isEqualTo(2 + 499 * 13);
        assertThat(last.lineOf("/spec/config/cleanup.policy")).isEqualTo(2 + 499 * 13 + 11);
        assertThat(last.tree().at("/spec/partitions").isInt()).isTrue();
        assertThat(last.tree().at("/spec/config/retention.ms").asLong()).isEqualTo(604800000L);
    }

    /** Random YAML streams: mostly inside BlockYaml's subset, with constructs at its edges and some outside it. */
    private static final class Generator {
        private static final String[] KEYS = {"a", "name", "spec", "strimzi.io/cluster", "min.insync.replicas", "x_1", "B-2",
                "1", "true", "null", "key", "k9", "-Xms"};
        private static final String[] SCALARS = {"1", "-1", "+3", "0", "007", "0x1F", "0o17", "1_000", "1.5", "-2.5e3", ".5",
                "1e3", ".inf", "-.Inf", ".NaN", "true", "False", "TRUE", "yes", "no", "on", "null", "Null", "~", "NULL",
                "orders", "a b", "a  b", "a:b", "a#b", "a # comment", "http://x:80/y", "-x", "--x", "x-", "\"quoted\"",
                "\"12\"", "'single'", "'a # b'", "\"a # b\" # c", "'true'", "1.2.3", "9223372036854775808", "2147483648",
                "1:30", "=", "a,b", "a]", "é", "日本", "-Xmx", "{}", "[]", "[ ]", "{ }", "[Read, Write]", "[\"a\", 'b', 1, true, null]",
                "[x-y] # acl", "[1.5,-2]"};
        /** Scalars at or past the subset's edge, written now and then. */
        private static final String[] EDGES = {"a: b", "{a: 1}", "[1]", "&x y", "*y", "!t x", "|", ">", "'it''s'",
                "\"e\\\"\"", "---", "@x", "`x", "%x", "? x", "a\tb", "", "- x", "-", "x:", "'open", "\"x\" y", "#x", "[a, [b]]", "[a,]", "[a: b]", "{a: b}", "[\"a,b\"]", "[-a]", "[a b]", "[a] x", "[- a]", "[a, - b]"};

        private final Random random;
        private final StringBuilder out = new StringBuilder();

        Generator(Random random) {
            this.random = random;
        }

        String stream() {
            if (random.nextInt(4) == 0) {
                out.append(random.nextBoolean() ? "# leading comment\n" : "\n");
            }
            int documents = 1 + random.nextInt(3);
            for (int d = 0; d < documents; d++) {
                if (d > 0 || random.nextInt(3) == 0) {
                    out.append(random.nextInt(8) == 0 ? "---  \n" : "---\n");
                }
                if (random.nextInt(10) > 0) {
                    value(0, 3, random.nextInt(5) == 0);
                }
            }
            if (random.nextInt(3) == 0) {
                out.append("---\n");
            }
            String s = out.toString();
            return random.nextInt(20) == 0 ? s.replace("\n", "\r\n") : s;
        }

        /** A block mapping or sequence at {@code indent}; its first line is written by the caller's prefix when inline. */
        private void value(int indent, int depth, boolean sequence) {
            int entries = 1 + random.nextInt(4);
            for (int e = 0; e < entries; e++) {
                if (e > 0 || !inlineStart) {
                    pad(indent);
                }
                inlineStart = false;
                if (random.nextInt(15) == 0) {
                    out.append("# comment\n");
                    pad(indent);
                }
                if (sequence) {
                    out.append("-");
                    item(indent, depth);
                } else {
                    out.append(KEYS[random.nextInt(KEYS.length)]).append(":");
                    item(indent, depth);
                }
                if (random.nextInt(12) == 0) {
                    out.append(random.nextBoolean() ? "\n" : "   \n");
                }
            }
        }

        private boolean inlineStart;

        /** What follows a key's ':' or an item's '-': a scalar, or a nested block on the lines below or inline. */
        private void item(int indent, int depth) {
            int kind = depth == 0 ? 0 : random.nextInt(5);
            if (kind <= 1) {
                String s = random.nextInt(30) == 0 ? EDGES[random.nextInt(EDGES.length)] : SCALARS[random.nextInt(SCALARS.length)];
                out.append(s.isEmpty() && random.nextBoolean() ? "" : " ").append(s);
                if (random.nextInt(8) == 0) {
                    out.append(" # trailing");
                }
                out.append(random.nextInt(10) == 0 ? "  \n" : "\n");
                if (random.nextInt(200) == 0) {
                    pad(indent + 2);
                    out.append("continued\n");
                }
            } else if (kind == 2 && out.charAt(out.length() - 1) == '-') {
                // "- key: value" with the rest of the mapping below, or "- - item"
                int k = 1 + random.nextInt(2);
                out.append(" ".repeat(k));
                inlineStart = true;
                value(indent + 1 + k, depth - 1, random.nextInt(4) == 0);
            } else {
                out.append(random.nextInt(10) == 0 ? " # about it\n" : "\n");
                boolean sequence = random.nextInt(3) == 0;
                int step = sequence && out.length() > 0 && random.nextBoolean() ? 0 : 1 + random.nextInt(3);
                if (random.nextInt(30) == 0) {
                    step = -1; // out of place: less indented than its parent
                }
                value(Math.max(0, indent + step), depth - 1, sequence);
            }
        }

        private void pad(int indent) {
            out.append(" ".repeat(indent));
        }
    }
}
