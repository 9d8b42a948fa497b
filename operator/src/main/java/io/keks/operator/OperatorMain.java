package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The keks operator image's entry point. */
@Command(name = "keks-operator", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        description = "The keks operator: Apache Kafka in KRaft mode from Strimzi custom resources.",
        subcommands = {OperatorMain.Rack.class})
public final class OperatorMain {
    private OperatorMain() {
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new OperatorMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Command(name = "rack", description = {"Init container of a rack-aware broker: writes the value of its Kubernetes node's",
            "topology label to a file, which the broker's start script turns into broker.rack."})
    static final class Rack implements Callable<Integer> {
        @Option(names = "--topology-key", required = true, paramLabel = "LABEL", description = "The node label, e.g. topology.kubernetes.io/zone.")
        String topologyKey;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the rack.")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                String rack = RackInit.writeRack(client, System.getenv("KEKS_NODE_NAME"), topologyKey, out);
                System.out.println("broker.rack=" + rack + " (label " + topologyKey + " of node " + System.getenv("KEKS_NODE_NAME") + ")");
            }
            return 0;
        }
    }
}
