package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `keks completion bash|zsh`: the script, loaded in a real shell, completes commands, kinds and options. */
class CompletionTest {
    @TempDir
    Path dir;

    private Path script(String shell) throws IOException {
        KeksCli.Result r = KeksCli.run("completion", shell);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path f = dir.resolve("keks." + shell);
        Files.writeString(f, r.out());
        return f;
    }

    record Shell(int exit, String out, String err) {
    }

    private static Shell shell(List<String> cmd, String line) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LINE", line);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Shell(p.exitValue(), out, err);
    }

    /** What bash offers after {@code line} (ending in a space: a new word), the way its completion calls the function. */
    private List<String> bashCompletes(Path script, String line) throws Exception {
        String bash = Tools.require("apt-get install bash", "bash");
        Shell s = shell(List.of(bash, "-c", "source '" + script + "'\n"
                + "read -ra COMP_WORDS <<<\"$LINE\"; [[ $LINE == *' ' ]] && COMP_WORDS+=('')\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=$LINE; COMP_POINT=${#LINE}; COMPREPLY=()\n"
                // compopt complains outside a real completion; what is offered is all that matters here
                + "_complete_keks 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\""), line);
        assertThat(s.exit()).as(s.err()).isZero();
        return s.out().lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsKindsAndOptionsOfKeksAndDotSlashKeks() throws Exception {
        Path script = script("bash");
        assertThat(bashCompletes(script, "keks ")).contains("up", "apply", "get", "completion").doesNotContain("supervise");
        assertThat(bashCompletes(script, "./keks ap")).containsExactly("apply");
        assertThat(bashCompletes(script, "keks get ")).containsExactly("kafka", "kafkanodepools", "kafkatopics", "kafkausers",
                "kafkarebalances");
        assertThat(bashCompletes(script, "keks get kafkatopics -o ")).containsExactly("json", "yaml");
        assertThat(bashCompletes(script, "keks delete ")).containsExactly("kafkatopic", "kafkauser", "kafkarebalance", "kafkanodepool");
        assertThat(bashCompletes(script, "keks describe ")).containsExactly("kafkatopic", "kafkarebalance");
        assertThat(bashCompletes(script, "keks up --de")).containsExactly("--detach");
        assertThat(Files.readString(script)).contains("complete -F _complete_keks -o default ./keks");
    }

    @Test
    void zshLoadsTheScriptAndCompletesKeksThroughItsBashEmulation() throws Exception {
        String zsh = Tools.require("apt-get install zsh", "zsh");
        Path script = script("zsh");
        Shell s = shell(List.of(zsh, "-fc", "autoload -U compinit && compinit -u -d '" + dir.resolve("zcompdump") + "'\n"
                + "source '" + script + "'\nprint -r -- \"${_comps[keks]}\"; print -r -- \"${_comps[./keks]}\""), "");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.err()).isEmpty();
        assertThat(s.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).contains("-F _complete_keks"));
    }

    @Test
    void anotherShellIsRefusedWithTheOnesThatWork() {
        KeksCli.Result r = KeksCli.run("completion", "fish");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("keks completes in bash and zsh", "keks completion bash");
    }
}
