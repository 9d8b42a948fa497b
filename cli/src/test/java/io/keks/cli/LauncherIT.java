package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(ROOT.resolve("keks").toString()), Stream.of(args)).toList())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("KEKS_HOME", home.resolve("keks-home").toString());
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

    @Test
    void stdoutHasOnlyTheCommandsOutputWhileTheStartCacheIsRecordedBuiltAndUsed() throws Exception {
        Run first = keks("--version");
        assertThat(first.exit()).isZero();
        assertThat(first.stdout()).matches("keks .*, bundling Apache Kafka \\d+\\.\\d+\\.\\d+\\n");
        assertThat(first.stderr()).isEmpty();
        boolean aot = Files.isDirectory(home.resolve("keks-home/cache/aot"));
        if (aot) {
            assertThat(cacheFiles("-__version-")).anyMatch(n -> n.contains(".aotconf."));
            Run second = keks("--version");
            assertThat(second.stdout()).isEqualTo(first.stdout());
            assertThat(second.stderr()).isEmpty();
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
