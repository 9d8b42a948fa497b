package io.keks.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keks.local.ClusterStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "status", description = {"Show whether the cluster is ready and what each node is doing.",
        "A table like `kubectl get kafka` and one like `kubectl get pods`; -o json for scripts."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks status", "  keks status -o json | jq .ready"})
final class StatusCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ClusterOption cluster;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json")
    String output = "table";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterStatus s = ClusterStatus.of(cluster.open(), 3000);
        switch (output) {
            case "json" -> out.println(JSON.writeValueAsString(s));
            case "table" -> {
                StatusPrinter.kafka(out, s);
                out.println();
                StatusPrinter.nodes(out, s);
                s.conditions().stream().filter(c -> !c.type().equals("Ready") || !c.status().equals("True"))
                        .forEach(c -> out.println(c.type() + ": " + (c.reason().isEmpty() ? "" : c.reason() + ": ") + c.message()));
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "-o " + output + " is not a format; use table or json");
        }
        out.flush();
        return 0;
    }
}
