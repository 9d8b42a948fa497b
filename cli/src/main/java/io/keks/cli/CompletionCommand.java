package io.keks.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "completion", description = {"Print a script that completes keks' commands, options and kinds in bash or zsh.",
        "Load it in the shell, as `kubectl completion` and `helm completion` are loaded. It completes `keks`",
        "on the PATH and `./keks` in this directory; zsh loads it through its bash completion emulation."},
        footerHeading = "%nExamples:%n",
        footer = {"  source <(./keks completion bash)                   in this bash session",
                "  ./keks completion bash > ~/.local/share/bash-completion/completions/keks   in every new bash session",
                "  source <(./keks completion zsh)                    in this zsh session (add it to ~/.zshrc to keep it)"})
final class CompletionCommand implements Callable<Integer> {
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("bash", "zsh").iterator();
        }
    }

    @Parameters(index = "0", paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash or zsh")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "keks completes in bash and zsh, not \"" + shell
                    + "\"; use `keks completion bash` or `keks completion zsh`");
        }
        PrintWriter out = spec.commandLine().getOut();
        // picocli's script serves both shells: in zsh it turns on bashcompinit first
        out.print(AutoComplete.bash("keks", Main.withEveryCommand()));
        out.println("# ./keks, as the README runs it from its checkout");
        out.println("complete -F _complete_keks -o default ./keks");
        out.flush();
        return 0;
    }
}
