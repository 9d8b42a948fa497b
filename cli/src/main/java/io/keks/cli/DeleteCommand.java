package io.keks.cli;

import io.keks.local.LocalCluster;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = {"Delete a KafkaTopic, as `kubectl delete kafkatopic` does with the keks operator:",
        "its Kafka topic and records are deleted too, unless the KafkaTopic is annotated strimzi.io/managed: \"false\"",
        "(apply it with that annotation first to keep the topic) or another KafkaTopic names the same topic."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks delete kafkatopic orders", "  keks delete kt orders-copy"})
final class DeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "kafkatopic")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The KafkaTopic's metadata.name.")
    String name;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!GetCommand.TOPIC_KINDS.contains(kind.toLowerCase())) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "cannot delete \"" + kind
                    + "\"; keks deletes kafkatopic resources (`keks down --delete-data` removes a whole cluster)");
        }
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster c = cluster.open();
        try {
            out.println("kafkatopic/" + name + " deleted; " + c.deleteTopic(name));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
