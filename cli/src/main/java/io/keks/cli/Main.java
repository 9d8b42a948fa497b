package io.keks.cli;

import io.keks.engine.change.UnsafeChangeException;
import io.keks.local.ClusterHome;
import io.keks.model.KafkaVersion;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The keks command. */
// inherited by every subcommand: --help and --version everywhere, and help as wide as its descriptions
@Command(name = "keks", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, usageHelpWidth = 110,
        versionProvider = Main.Version.class,
        description = {"Apache Kafka in KRaft mode from Strimzi manifests (Kafka, KafkaNodePool, KafkaTopic),",
                "run on this machine as real Kafka processes."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks up                      start the seed cluster (examples/) and show its status until Ctrl-C",
                "  keks up -d -f my-kafka/      start the cluster of my-kafka/*.yaml in the background",
                "  keks status                  what runs, and whether it is ready",
                "  keks dashboard               the URL of the live dashboard page",
                "  echo hello | keks produce test-topic",
                "  keks consume test-topic --from-beginning --max-messages 1",
                "  keks apply -f my-kafka/      change the running cluster: topics, config, pools, version",
                "  keks roll cluster-broker-1   restart a node safely",
                "  keks render -f my-kafka/     the Kubernetes objects the keks operator makes for my-kafka/",
                "  keks down                    stop the cluster, keeping its data",
                "  source <(keks completion bash)   complete keks' commands and options in this shell",
                "",
                "State lives in ~/.keks (set KEKS_HOME to use another directory)."})
public final class Main {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(UpCommand.class, DownCommand.class, StatusCommand.class, GetCommand.class,
            DescribeCommand.class, ApplyCommand.class, DeleteCommand.class, AnnotateCommand.class, RollCommand.class, RenderCommand.class, PlanCommand.class, ProduceCommand.class,
            ConsumeCommand.class, PerfTestCommand.class, FailoverDrillCommand.class, CredentialsCommand.class, DashboardCommand.class, CompletionCommand.class, SuperviseCommand.class,
            CommandLine.HelpCommand.class);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** The keks command with every subcommand, as help and shell completion need it. */
    static CommandLine withEveryCommand() {
        CommandLine cli = new CommandLine(new Main());
        COMMANDS.forEach(cli::addSubcommand);
        return cli;
    }

    /** Runs one keks command with its output going to {@code out} and {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        // picocli reads a command's annotations, options and help texts when it is added: only the command
        // asked for is, so `keks apply` does not pay for building the other thirteen (help needs them all)
        String asked = args.length > 0 ? args[0] : "";
        List<Class<?>> needed = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(asked)
                && c != CommandLine.HelpCommand.class).toList();
        (needed.isEmpty() ? COMMANDS : needed).forEach(cli::addSubcommand);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e instanceof FileSystemException f
                    ? FileErrors.describe(f, ClusterHome.fromEnvironment().root())
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("error: " + message);
            if (System.getenv("KEKS_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            // a change keks refuses is wrong input, like a bad manifest: nothing was touched
            return e instanceof UnsafeChangeException ? 2 : 1;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"keks " + (v == null ? "(development build)" : v) + ", bundling Apache Kafka "
                    + KafkaVersion.BUNDLED};
        }
    }
}
