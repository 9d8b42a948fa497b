package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import io.keks.local.ClusterStatus;
import io.keks.local.LocalCluster;
import io.keks.local.TopicStatuses;
import io.keks.model.DesiredTopic;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", description = {"List resources of the cluster with the columns `kubectl get` shows for them.",
        "Kinds: kafka, kafkanodepools, kafkatopics, kafkausers (singular, plural and kt/knp/ku short names work too)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks get kafka", "  keks get kafkanodepools", "  keks get kafkatopics", "  keks get kafkausers"})
final class GetCommand implements Callable<Integer> {
    /** How KafkaTopic may be named on the command line, as kubectl accepts it. */
    static final List<String> TOPIC_KINDS = List.of("kafkatopic", "kafkatopics", "kt");
    /** How KafkaUser may be named on the command line, as kubectl accepts it. */
    static final List<String> USER_KINDS = List.of("kafkauser", "kafkausers", "ku");

    @Parameters(index = "0", paramLabel = "KIND", description = "kafka | kafkanodepools | kafkatopics | kafkausers")
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
            case "kafkauser", "kafkausers", "ku" -> users(c, out);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown kind \"" + kind + "\"; use kafka, kafkanodepools, kafkatopics or kafkausers");
        }
        return 0;
    }

    /** The columns of `kubectl get kafkauser`: READY as the last reconciliation left it (blank before the first). */
    private static void users(LocalCluster c, PrintWriter out) {
        var statuses = io.keks.local.LocalUsers.statuses(c.dir());
        List<List<String>> rows = new ArrayList<>();
        for (io.keks.model.DesiredUser u : c.desired().users()) {
            var s = statuses.get(u.name());
            rows.add(List.of(u.name(), c.desired().name(), u.authentication() == null ? "" : u.authentication(),
                    u.acls().isEmpty() ? "" : "simple", s == null ? "" : s.ready() ? "True" : "False"));
        }
        StatusPrinter.table(out, List.of("NAME", "CLUSTER", "AUTHENTICATION", "AUTHORIZATION", "READY"), rows);
    }

    /**
     * The columns of `kubectl get kafkatopic`: the spec's partitions and replicas, and READY as the
     * last reconciliation left it (blank for a topic not reconciled yet or paused).
     */
    private static void topics(LocalCluster c, PrintWriter out) {
        Map<String, TopicStatus> statuses = TopicStatuses.read(c.dir()).byResource();
        List<List<String>> rows = new ArrayList<>();
        for (DesiredTopic t : c.desired().topics()) {
            TopicStatus s = statuses.get(t.resourceName());
            String ready = s == null || TopicStatus.PAUSED.equals(s.reason()) ? "" : s.ready() ? "True" : "False";
            rows.add(List.of(t.resourceName(), c.desired().name(),
                    t.partitions().isPresent() ? String.valueOf(t.partitions().getAsInt()) : "",
                    t.replicas().isPresent() ? String.valueOf(t.replicas().getAsInt()) : "", ready));
        }
        StatusPrinter.table(out, List.of("NAME", "CLUSTER", "PARTITIONS", "REPLICATION FACTOR", "READY"), rows);
    }
}
