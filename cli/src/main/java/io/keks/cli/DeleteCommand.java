package io.keks.cli;

import io.keks.engine.rebalance.RebalanceState;
import io.keks.local.LocalCluster;
import io.keks.local.LocalRebalances;
import io.keks.local.LocalUsers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = {"Delete a KafkaTopic, KafkaUser or KafkaRebalance, and what it made in Kafka.",
        "A KafkaTopic goes as `kubectl delete kafkatopic` takes it with the keks operator: its Kafka topic and",
        "records are deleted too, unless the KafkaTopic is annotated strimzi.io/managed: \"false\" (apply it with",
        "that annotation first to keep the topic) or another KafkaTopic names the same topic. A KafkaUser's",
        "SCRAM credential, ACLs and quotas leave Kafka, and its password or certificate files are removed.",
        "A KafkaRebalance goes with its proposal; one that is rebalancing must be stopped first."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks delete kafkatopic orders", "  keks delete kt orders-copy", "  keks delete kafkauser analytics",
                "  keks delete kafkarebalance my-rebalance"})
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
        if (RebalanceLines.KINDS.contains(topic.kind.toLowerCase())) {
            return deleteRebalance(out, cluster.open());
        }
        topic.requireTopic(spec, "keks deletes kafkatopic, kafkauser and kafkarebalance resources (`keks down --delete-data` removes a whole cluster)");
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

    private int deleteRebalance(PrintWriter out, LocalCluster c) throws Exception {
        LocalRebalances store = new LocalRebalances(c.dir());
        var state = store.load(topic.name);
        boolean applied = c.desired().rebalances().stream().anyMatch(r -> r.name().equals(topic.name));
        if (!applied && state.isEmpty()) {
            spec.commandLine().getErr().println("no KafkaRebalance " + topic.name + " in cluster " + c.desired().name()
                    + "; `keks get kafkarebalances` lists them");
            return 1;
        }
        if (state.isPresent() && state.get().state().equals(RebalanceState.REBALANCING)) {
            spec.commandLine().getErr().println("KafkaRebalance " + topic.name + " is rebalancing; stop it first:"
                    + " keks annotate kafkarebalance " + topic.name + " strimzi.io/rebalance=stop");
            return 1;
        }
        store.delete(topic.name);
        out.println("kafkarebalance/" + topic.name + " deleted (partitions already moved stay where they are)");
        out.flush();
        return 0;
    }
}
