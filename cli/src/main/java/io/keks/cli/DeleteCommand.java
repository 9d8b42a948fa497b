package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.local.LocalUsers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = {"Delete a KafkaTopic or a KafkaUser, and what it made in Kafka.",
        "A KafkaTopic goes as `kubectl delete kafkatopic` takes it with the keks operator: its Kafka topic and",
        "records are deleted too, unless the KafkaTopic is annotated strimzi.io/managed: \"false\" (apply it with",
        "that annotation first to keep the topic) or another KafkaTopic names the same topic. A KafkaUser's",
        "SCRAM credential, ACLs and quotas leave Kafka, and its password or certificate files are removed."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks delete kafkatopic orders", "  keks delete kt orders-copy", "  keks delete kafkauser analytics"})
final class DeleteCommand implements Callable<Integer> {
    @Mixin
    TopicArgs topic;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (GetCommand.USER_KINDS.contains(topic.kind.toLowerCase())) {
            LocalCluster c = cluster.open();
            try {
                out.println("kafkauser/" + topic.name + " deleted; " + LocalUsers.delete(c, topic.name));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
            out.flush();
            return 0;
        }
        topic.requireTopic(spec, "keks deletes kafkatopic and kafkauser resources (`keks down --delete-data` removes a whole cluster)");
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
