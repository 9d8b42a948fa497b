package io.keks.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's chromium, run headless on a page: its DOM after the page's scripts ran, or a screenshot.
 * Missing, the calling test is skipped with the reason, except under CI=true, where it fails
 * (.ci/run installs chromium). Each run gets a fresh profile directory, and shared memory in /tmp rather than
 * /dev/shm, which containers keep small (Debian's launcher means to do this but misreads some mounts).
 */
final class HeadlessChromium {
    /** Virtual time the page may run: the dashboard asks for its numbers at once and redraws every few seconds. */
    private static final int BUDGET_MS = 8_000;

    private HeadlessChromium() {
    }

    /**
     * The page's DOM once {@code ready} holds for it. A headless renderer can die without a word (an empty
     * dump, exit 0), so a dump that is not ready is tried again.
     */
    static String dumpDom(String url, Path profile, Predicate<String> ready) throws IOException, InterruptedException {
        return untilDone("chromium's DOM of " + url + " is still not ready", profile, dir -> run(dir, "--dump-dom", url), ready);
    }

    static Path screenshot(String url, Path png, Path profile) throws IOException, InterruptedException {
        return untilDone("chromium wrote no screenshot to " + png, profile, dir -> {
            Files.deleteIfExists(png);
            run(dir, "--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1300", url);
            return png;
        }, Files::exists);
    }

    private interface Attempt<T> {
        T in(Path profile) throws IOException, InterruptedException;
    }

    /** Up to three attempts, each with a fresh profile; the last failure shows its result and what chromium logged. */
    private static <T> T untilDone(String failure, Path profile, Attempt<T> attempt, Predicate<T> done)
            throws IOException, InterruptedException {
        T result = null;
        Path dir = profile;
        for (int i = 1; i <= 3; i++) {
            dir = profile.resolveSibling(profile.getFileName() + "-" + i);
            result = attempt.in(dir);
            if (done.test(result)) {
                return result;
            }
        }
        throw new AssertionError("after 3 tries " + failure + "; the last result was:\n" + result + "\nchromium logged:\n" + meaningfulLog(dir));
    }

    /** chromium's log without its complaints about a missing D-Bus, which every container shows. */
    private static String meaningfulLog(Path profile) throws IOException {
        Path log = profile.resolve("chromium.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        return String.join("\n", Files.readAllLines(log).stream().filter(l -> !l.contains("dbus")).toList());
    }

    private static String binary() {
        return Tools.require("apt-get install chromium", "chromium", "chromium-browser", "google-chrome");
    }

    private static String run(Path profile, String... args) throws IOException, InterruptedException {
        Files.createDirectories(profile);
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
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
            throw new AssertionError("chromium exited " + p.exitValue() + ": " + cmd + "\n" + meaningfulLog(profile));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
