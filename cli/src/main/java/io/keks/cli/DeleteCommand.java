package io.keks.cli;

import io.keks.engine.rebalance.RebalanceState;
import io.keks.local.LocalCluster;
import io.keks.local.LocalClusterRuntime;
import io.keks.local.LocalRebalances;
import io.keks.local.LocalUsers;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = {"Delete a KafkaTopic, KafkaUser, KafkaRebalance or KafkaNodePool, and what it made in Kafka.",
        "A KafkaTopic goes as `kubectl delete kafkatopic` takes it with the keks operator: its Kafka topic and",
        "records are deleted too, unless the KafkaTopic is annotated strimzi.io/managed: \"false\" (apply it with",
        "that annotation first to keep the topic) or another KafkaTopic names the same topic. A KafkaUser's",
        "SCRAM credential, ACLs and quotas leave Kafka, and its password or certificate files are removed.",
        "A KafkaRebalance goes with its proposal; one that is rebalancing must be stopped first.",
        "A KafkaNodePool's nodes leave as a smaller pool's do (what `keks apply` shows and waits for): its brokers are",
        "drained onto the other pools' brokers, its controllers removed from the metadata quorum, then each node is",
        "stopped and its data deleted. Refused, with nothing changed, when that is unsafe (the last broker or",
        "controller pool, fewer brokers than a topic's replicas, every controller at once)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks delete kafkatopic orders", "  keks delete kt orders-copy", "  keks delete kafkauser analytics",
                "  keks delete kafkarebalance my-rebalance", "  keks delete kafkanodepool controller-old"})
final class DeleteCommand implements Callable<Integer> {
    static final Set<String> NODE_POOL_KINDS = Set.of("kafkanodepool", "kafkanodepools", "knp");

    @Mixin
    TopicArgs.ToDelete topic;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (GetCommand.USER_KINDS.contains(topic.kind().toLowerCase())) {
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
        if (RebalanceLines.KINDS.contains(topic.kind().toLowerCase())) {
            return deleteRebalance(out, cluster.open());
        }
        if (NODE_POOL_KINDS.contains(topic.kind().toLowerCase())) {
            return deleteNodePool(out, spec.commandLine().getErr(), cluster.open());
        }
        topic.requireTopic(spec, "keks deletes kafkatopic, kafkauser, kafkarebalance and kafkanodepool resources (`keks down"
                + " --delete-data` removes a whole cluster)");
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

    private int deleteNodePool(PrintWriter out, PrintWriter err, LocalCluster c) throws Exception {
        if (!c.desired().poolIds().containsKey(topic.name)) {
            err.println("error: no KafkaNodePool " + topic.name + " in cluster " + c.desired().name() + "; `keks get kafkanodepools`"
                    + " lists them");
            return 1;
        }
        LocalClusterRuntime runtime = LocalClusterRuntime.resume(c.home(), c.desired().name(), LocalCluster.Options.defaults(),
                m -> out.println("  " + m)).withoutNodePool(topic.name);
        int exit = ApplyCommand.pass(runtime, Manifests.empty(), RollOptions.waiting(300), 50, out, err);
        if (exit == 0) {
            out.println("kafkanodepool/" + topic.name + " deleted");
            out.flush();
        }
        return exit;
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
