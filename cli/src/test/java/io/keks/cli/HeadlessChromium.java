package io.keks.cli;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, run headless on a page: its DOM after the page's scripts ran, or a screenshot.
 * Missing, the calling test is skipped with the reason, except under CI=true, where it fails
 * (.ci/run installs chromium). Each run gets a fresh profile directory.
 */
final class HeadlessChromium {
    /** Virtual time the page may run: the dashboard asks for its numbers at once and redraws every few seconds. */
    private static final int BUDGET_MS = 8_000;

    private HeadlessChromium() {
    }

    static String dumpDom(String url, Path profile) throws IOException, InterruptedException {
        return run(profile, "--dump-dom", url);
    }

    static Path screenshot(String url, Path png, Path profile) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(profile, "--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1300", url);
        if (!Files.exists(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
        return png;
    }

    private static String binary() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium is not installed; CI must have it (see .ci/run)");
        }
        assumeThat(false).as("chromium is not installed: apt-get install chromium to run this test").isTrue();
        return null;
    }

    private static String run(Path profile, String... args) throws IOException, InterruptedException {
        Files.createDirectories(profile);
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath(),
                "--virtual-time-budget=" + BUDGET_MS));
        cmd.addAll(List.of(args));
        Path log = profile.resolve("chromium.log");
        Path out = profile.resolve("stdout.txt");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited " + p.exitValue() + ": " + cmd + "\n" + Files.readString(log));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
