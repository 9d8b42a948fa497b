package io.keks.cli;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs from outside Java that some tests run (chromium, zsh). Missing, the calling test is skipped
 * with how to install it, except under CI=true, where it fails: .ci/run installs them.
 */
final class Tools {
    private Tools() {
    }

    /** The path of the first of {@code names} on PATH. */
    static String require(String install, String... names) {
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(names[0] + " is not installed; CI must have it (see .ci/run)");
        }
        assumeThat(false).as(names[0] + " is not installed: " + install + " to run this test").isTrue();
        return null;
    }
}
