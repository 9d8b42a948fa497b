package io.keks.cli;

import io.keks.local.ClusterStatus;
import io.keks.local.LocalCluster;
import io.keks.model.DesiredTopic;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", description = {"List resources of the cluster with the columns `kubectl get` shows for them.",
        "Kinds: kafka, kafkanodepools, kafkatopics (singular, plural and kt/knp short names work too)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks get kafka", "  keks get kafkanodepools", "  keks get kafkatopics"})
final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "kafka | kafkanodepools | kafkatopics")
    String kind;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster c = cluster.open();
        switch (kind.toLowerCase()) {
            case "kafka", "kafkas", "k" -> StatusPrinter.kafka(out, ClusterStatus.of(c, 3000));
            case "kafkanodepool", "kafkanodepools", "knp" -> {
                List<List<String>> rows = new ArrayList<>();
                for (Map.Entry<String, List<Integer>> e : c.desired().poolIds().entrySet()) {
                    var nodes = c.desired().nodes().stream().filter(n -> n.pool().equals(e.getKey())).toList();
                    String roles = nodes.isEmpty() ? "" : nodes.get(0).processRoles();
                    rows.add(List.of(e.getKey(), String.valueOf(e.getValue().size()), "[" + roles + "]",
                            e.getValue().toString()));
                }
                StatusPrinter.table(out, List.of("NAME", "DESIRED REPLICAS", "ROLES", "NODEIDS"), rows);
            }
            case "kafkatopic", "kafkatopics", "kt" -> topics(c, out);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown kind \"" + kind + "\"; use kafka, kafkanodepools or kafkatopics");
        }
        return 0;
    }

    private static void topics(LocalCluster c, PrintWriter out) throws Exception {
        Map<String, TopicDescription> found = Map.of();
        if (c.anyNodeRunning() && !c.desired().topics().isEmpty()) {
            try (Admin admin = c.admin()) {
                var futures = admin.describeTopics(c.desired().topics().stream().map(DesiredTopic::topicName).toList()).topicNameValues();
                found = new java.util.HashMap<>();
                for (var e : futures.entrySet()) {
                    try {
                        found.put(e.getKey(), e.getValue().get(5, TimeUnit.SECONDS));
                    } catch (Exception missing) {
                        // shown as not ready
                    }
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (DesiredTopic t : c.desired().topics()) {
            TopicDescription d = found.get(t.topicName());
            boolean ready = d != null && t.partitions().orElse(d.partitions().size()) == d.partitions().size()
                    && t.replicas().orElse(d.partitions().get(0).replicas().size()) == d.partitions().get(0).replicas().size();
            rows.add(List.of(t.resourceName(), c.desired().name(),
                    t.partitions().isPresent() ? String.valueOf(t.partitions().getAsInt()) : "",
                    t.replicas().isPresent() ? String.valueOf(t.replicas().getAsInt()) : "", ready ? "True" : "False"));
        }
        StatusPrinter.table(out, List.of("NAME", "CLUSTER", "PARTITIONS", "REPLICATION FACTOR", "READY"), rows);
    }
}
