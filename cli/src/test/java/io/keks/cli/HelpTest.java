package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command a user sees answers --help with its usage and examples, and needs no cluster for it. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"up", "down", "status", "get", "describe", "apply", "delete", "roll", "produce", "consume", "dashboard", "credentials", "completion",
            "perf-test", "failover-drill"})
    void everyCommandTeachesItselfWithHelp(String command) {
        KeksCli.Result r = KeksCli.run(command, "--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: keks " + command).contains("Examples:", "--help");
    }

    @Test
    void theTopLevelHelpListsTheCommands() {
        KeksCli.Result r = KeksCli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("  apply ", "  roll ", "  up ", "Examples:");
    }

    /** keks --help lists each command by its description's first line: each must be a whole sentence on one line. */
    @Test
    void theCommandListShowsOneWholeSentencePerCommand() {
        KeksCli.Result r = KeksCli.run("--help");
        java.util.List<String> lines = r.out().lines().toList();
        java.util.List<String> commands = lines.subList(lines.indexOf("Commands:") + 1, lines.size()).stream()
                .takeWhile(l -> !l.isBlank()).toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(14).allSatisfy(line -> {
            assertThat(line).as("one command per line, its name first").matches("  [a-z][a-z-]* +\\S.*");
            assertThat(line).as("a whole sentence").endsWith(".");
            assertThat(line.length()).isLessThanOrEqualTo(110);
        });
    }

    // keks builds only the subcommand it runs: help by name and a mistyped command still know them all
    @Test
    void helpByNameAndAMistypedCommandStillKnowEveryCommand() {
        KeksCli.Result help = KeksCli.run("help", "roll");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: keks roll");
        KeksCli.Result typo = KeksCli.run("aply", "-f", "x.yaml");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("'aply'").contains("keks apply");
    }
}
