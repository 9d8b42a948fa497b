package io.keks.cli;

import io.keks.local.LocalCluster;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = {"Delete a KafkaTopic, as `kubectl delete kafkatopic` does with the keks operator:",
        "its Kafka topic and records are deleted too, unless the KafkaTopic is annotated strimzi.io/managed: \"false\"",
        "(apply it with that annotation first to keep the topic) or another KafkaTopic names the same topic."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks delete kafkatopic orders", "  keks delete kt orders-copy"})
final class DeleteCommand implements Callable<Integer> {
    @Mixin
    TopicArgs topic;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        topic.requireTopic(spec, "keks deletes kafkatopic resources (`keks down --delete-data` removes a whole cluster)");
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster c = cluster.open();
        try {
            out.println("kafkatopic/" + topic.name + " deleted; " + c.deleteTopic(topic.name));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
