package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./keks} launcher as a user runs it, on the packaged keks: stdout carries only the
 * command's own output on every run (scripts parse {@code keks status -o json}), while the
 * launcher records, builds and then uses a start-up cache per command.
 */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("keks.install.dir"));

    @TempDir
    Path home;

    record Run(int exit, String stdout, String stderr) {
    }

    private Run keks(String... args) throws IOException, InterruptedException {
        return keks(ROOT, env -> { }, args);
    }

    private Run keks(Path root, Map<String, String> added, String... args) throws IOException, InterruptedException {
        return keks(root, env -> env.putAll(added), args);
    }

    /** {@code ./keks ARGS} of the keks in {@code root}, in this JVM's environment with KEKS_HOME set, then {@code edit}ed. */
    private Run keks(Path root, java.util.function.Consumer<Map<String, String>> edit, String... args)
            throws IOException, InterruptedException {
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(root.resolve("keks").toString()), Stream.of(args)).toList())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("KEKS_HOME", home.resolve("keks-home").toString());
        edit.accept(pb.environment());
        int exit = pb.start().waitFor();
        return new Run(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<String> cacheFiles(String suffix) throws IOException {
        Path aot = home.resolve("keks-home/cache/aot");
        Path cds = home.resolve("keks-home/cache/cds");
        Path dir = Files.isDirectory(aot) ? aot : cds;
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(suffix)).toList();
        }
    }

    /**
     * The README's first command on a machine whose {@code java} on PATH is not the JDK keks chose (on
     * these machines it is Java 17): the first-use build runs every Java tool on the chosen JDK. The
     * {@code java} on PATH here fails whenever it is run, so any build step that reaches for it fails
     * the build. The build runs offline, on the sources of this checkout copied without their targets.
     */
    @Test
    void theFirstUseBuildRunsNoJavaFromPath() throws Exception {
        Path copy = home.resolve("keks");
        copySources(ROOT, copy);
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path fake = bin.resolve("java");
        Files.writeString(fake, "#!/bin/sh\necho \"the java on PATH was run, not the JDK keks chose\" >&2\nexit 3\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();

        Run run = keks(copy, Map.of("JAVA_HOME", System.getProperty("java.home"),
                "PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"),
                "MAVEN_ARGS", "--offline"), "--version");
        String log = Files.exists(copy.resolve("target/build.log")) ? Files.readString(copy.resolve("target/build.log")) : "(no build log)";
        assertThat(run.exit()).as(run.stderr() + "\n" + log).isZero();
        assertThat(run.stdout()).matches("keks .*, bundling Apache Kafka \\d+\\.\\d+\\.\\d+\\n");
        assertThat(run.stderr()).contains("Building keks with Java " + Runtime.version().feature(), "[8/8] keks cli", "Built keks.");
        assertThat(log).doesNotContain("the java on PATH was run");
        assertThat(copy.resolve("crds/target/crds/040-Crd-kafka.yaml")).isNotEmptyFile();
    }

    /** The checkout's files as a fresh clone has them: no build output, no Git metadata, no npm packages. */
    private static void copySources(Path from, Path to) throws IOException {
        Set<String> skipped = Set.of("target", ".git", "node_modules");
        Files.walkFileTree(from, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                if (!dir.equals(from) && skipped.contains(dir.getFileName().toString())) {
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir)));
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file)), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A home keks cannot write (here one under a regular file, which no user can write, root included):
     * the start-up cache is skipped, commands that need no home run, and `up` says which directory and
     * which variable, instead of Java's bare path.
     */
    @Test
    void aHomeThatCannotBeWrittenIsNamedWithTheVariableThatMovesIt() throws Exception {
        Path file = Files.writeString(home.resolve("a-file"), "");
        java.util.function.Consumer<Map<String, String>> env = e -> {
            e.remove("KEKS_HOME");
            e.put("HOME", file.resolve("home").toString());
        };
        Run version = keks(ROOT, env, "--version");
        assertThat(version.exit()).as(version.stderr()).isZero();
        assertThat(version.stderr()).isEmpty();
        Run up = keks(ROOT, env, "up");
        assertThat(up.exit()).isEqualTo(1);
        assertThat(up.stderr()).contains("error: cannot use " + file.resolve("home"), "not a directory",
                "keks keeps its clusters and caches in " + file.resolve("home/.keks"), "set KEKS_HOME to a directory you can write");
        assertThat(up.stderr()).doesNotContain("Exception");
    }

    @Test
    void theLauncherAndTheCiScriptPassShellcheck() throws Exception {
        String shellcheck = Tools.require("apt-get install shellcheck", "shellcheck");
        Process p = new ProcessBuilder(shellcheck, "--severity=warning", "keks", ".ci/run").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void stdoutHasOnlyTheCommandsOutputWhileTheStartCacheIsRecordedBuiltAndUsed() throws Exception {
        Run first = keks("--version");
        assertThat(first.exit()).isZero();
        assertThat(first.stdout()).matches("keks .*, bundling Apache Kafka \\d+\\.\\d+\\.\\d+\\n");
        assertThat(first.stderr()).isEmpty();
        boolean aot = Files.isDirectory(home.resolve("keks-home/cache/aot"));
        if (aot) {
            // built from the first run's recording once that run has exited: the second run already starts with it
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(cacheFiles("-__version-")).singleElement().asString().endsWith(".aot"));
        } else {
            assertThat(cacheFiles("-__version")).singleElement().asString().endsWith(".jsa");
        }
        Run cached = keks("--version");
        assertThat(cached.stdout()).isEqualTo(first.stdout());
        assertThat(cached.stderr()).isEmpty();
        // a command's failure still reaches the user, with the exit code
        Run bad = keks("no-such-command");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.stderr()).contains("no-such-command");
    }
}
