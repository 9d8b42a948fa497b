package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/eks's install.sh, cleanup.sh and what they source pass shellcheck (the Debian package; .ci/run installs it). */
class ShellScriptsTest {
    @Test
    void eksScriptsPassShellcheck() throws Exception {
        NpmTools.requireTool("shellcheck");
        List<String> scripts;
        try (Stream<Path> list = Files.list(TerraformTest.DIR)) {
            scripts = list.filter(p -> p.toString().endsWith(".sh")).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(scripts).contains("install.sh", "cleanup.sh");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--external-sources"));
        cmd.addAll(scripts);
        Process p = new ProcessBuilder(cmd).directory(TerraformTest.DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        for (String script : List.of("install.sh", "cleanup.sh")) {
            String text = Files.readString(TerraformTest.DIR.resolve(script));
            assertThat(text).as(script).contains("set -euo pipefail");
            assertThat(Files.isExecutable(TerraformTest.DIR.resolve(script))).as(script + " is executable").isTrue();
        }
    }
}
