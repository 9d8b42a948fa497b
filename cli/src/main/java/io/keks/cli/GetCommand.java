package io.keks.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keks.engine.DiskUse;
import io.keks.engine.topic.TopicStatus;
import io.keks.local.ClusterStatus;
import io.keks.local.LocalCluster;
import io.keks.local.LocalUsers;
import io.keks.local.TopicStatuses;
import io.keks.model.DesiredTopic;
import io.keks.model.DesiredUser;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "get", description = {"List resources of the cluster with the columns `kubectl get` shows for them.",
        "Kinds: kafka, kafkanodepools, kafkatopics, kafkausers, kafkarebalances (singular, plural and kt/knp/ku/kr short",
        "names work too).",
        "With -o json or -o yaml, the resources as the Kubernetes API serves them: the manifests last applied,",
        "each with the status the keks operator would write (several in a List with items)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks get kafka", "  keks get kafkanodepools", "  keks get kafkatopics", "  keks get kafkausers",
                "  keks get kafkarebalances", "  keks get kr my-rebalance -o yaml         its proposal in status.optimizationResult",
                "  keks get kafkatopic test-topic -o yaml      one KafkaTopic with its status",
                "  keks get kt -o json | jq -r '.items[] | select(.status.conditions[0].status != \"True\") | .metadata.name'"})
final class GetCommand implements Callable<Integer> {
    /** How KafkaTopic may be named on the command line, as kubectl accepts it. */
    static final List<String> TOPIC_KINDS = List.of("kafkatopic", "kafkatopics", "kt");
    /** How KafkaUser may be named on the command line, as kubectl accepts it. */
    static final List<String> USER_KINDS = List.of("kafkauser", "kafkausers", "ku");

    /** What the shell completes KIND with. */
    static final class Kinds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("kafka", "kafkanodepools", "kafkatopics", "kafkausers", "kafkarebalances").iterator();
        }
    }

    @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
            description = "kafka | kafkanodepools | kafkatopics | kafkausers | kafkarebalances")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", arity = "0..1", description = "Only the resource of this name.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", completionCandidates = Formats.class,
            description = "json or yaml: the resources as the API serves them.")
    String output;

    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("json", "yaml").iterator();
        }
    }

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (output != null && !output.equals("json") && !output.equals("yaml")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown output format \"" + output + "\"; use -o json or -o yaml (or no -o for a table)");
        }
        String k = kind.toLowerCase(Locale.ROOT);
        String singular = switch (k) {
            case "kafka", "kafkas", "k" -> "kafka";
            case "kafkanodepool", "kafkanodepools", "knp" -> "kafkanodepool";
            case "kafkatopic", "kafkatopics", "kt" -> "kafkatopic";
            case "kafkauser", "kafkausers", "ku" -> "kafkauser";
            case "kafkarebalance", "kafkarebalances", "kr" -> "kafkarebalance";
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown kind \"" + kind + "\"; use kafka, kafkanodepools, kafkatopics, kafkausers or kafkarebalances");
        };
        LocalCluster c = cluster.open();
        if (output != null) {
            List<ObjectNode> items = switch (singular) {
                case "kafka" -> ResourceOutput.kafkas(c, ClusterStatus.of(c, 3000));
                case "kafkanodepool" -> ResourceOutput.nodePools(c);
                case "kafkatopic" -> ResourceOutput.topics(c);
                case "kafkarebalance" -> ResourceOutput.rebalances(c);
                default -> ResourceOutput.users(c);
            };
            if (name != null) {
                items = items.stream().filter(i -> name.equals(i.path("metadata").path("name").asText())).toList();
                requireFound(singular, items.isEmpty(), c);
            }
            out.print(ResourceOutput.format(items, name != null, output));
            out.flush();
            return 0;
        }
        List<List<String>> rows = switch (singular) {
            case "kafka" -> {
                requireFound(singular, name != null && !name.equals(c.desired().name()), c);
                StatusPrinter.kafka(out, ClusterStatus.of(c, 3000));
                yield null;
            }
            case "kafkanodepool" -> pools(c);
            case "kafkatopic" -> topics(c);
            case "kafkarebalance" -> RebalanceLines.rows(c);
            default -> users(c);
        };
        if (rows != null) {
            if (name != null) {
                rows = rows.stream().filter(r -> r.get(0).equals(name)).toList();
                requireFound(singular, rows.isEmpty(), c);
            }
            StatusPrinter.table(out, HEADERS.get(singular), rows);
        }
        return 0;
    }

    private static final Map<String, List<String>> HEADERS = Map.of(
            "kafkanodepool", List.of("NAME", "DESIRED REPLICAS", "ROLES", "NODEIDS", "FULLEST DISK"),
            "kafkatopic", List.of("NAME", "CLUSTER", "PARTITIONS", "REPLICATION FACTOR", "READY"),
            "kafkauser", List.of("NAME", "CLUSTER", "AUTHENTICATION", "AUTHORIZATION", "READY"),
            "kafkarebalance", RebalanceLines.HEADERS);

    /** As kubectl says of a name it does not know; the Kafka's own name is its cluster's. */
    private void requireFound(String singular, boolean missing, LocalCluster c) {
        if (missing) {
            throw new IllegalArgumentException(singular + " \"" + name + "\" not found in cluster " + c.desired().name()
                    + "; `keks get " + singular + "s` lists them");
        }
    }

    /** Strimzi's columns, and the fullest log directory of the pool's brokers (offline first) as Kafka reports it. */
    private static List<List<String>> pools(LocalCluster c) {
        Map<String, List<DiskUse>> disks = new HashMap<>();
        ClusterStatus.of(c, 3000).nodes().forEach(n -> disks.computeIfAbsent(n.pool(), k -> new ArrayList<>()).addAll(n.disks()));
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : c.desired().poolIds().entrySet()) {
            var nodes = c.desired().nodes().stream().filter(n -> n.pool().equals(e.getKey())).toList();
            String roles = nodes.isEmpty() ? "" : nodes.get(0).processRoles();
            String fullest = disks.getOrDefault(e.getKey(), List.of()).stream()
                    .max(Comparator.comparing(DiskUse::offline).thenComparingInt(DiskUse::percentUsed))
                    .map(d -> d.brief() + " (node " + d.broker() + ")").orElse("-");
            rows.add(List.of(e.getKey(), String.valueOf(e.getValue().size()), "[" + roles + "]", e.getValue().toString(), fullest));
        }
        return rows;
    }

    /** The columns of `kubectl get kafkauser`: READY as the last reconciliation left it (blank before the first). */
    private static List<List<String>> users(LocalCluster c) {
        var statuses = LocalUsers.statuses(c.dir());
        List<List<String>> rows = new ArrayList<>();
        for (DesiredUser u : c.desired().users()) {
            var s = statuses.get(u.name());
            rows.add(List.of(u.name(), c.desired().name(), u.authentication() == null ? "" : u.authentication(),
                    u.acls().isEmpty() ? "" : "simple", s == null ? "" : s.ready() ? "True" : "False"));
        }
        return rows;
    }

    /**
     * The columns of `kubectl get kafkatopic`: the spec's partitions and replicas, and READY as the
     * last reconciliation left it (blank for a topic not reconciled yet or paused).
     */
    private static List<List<String>> topics(LocalCluster c) {
        Map<String, TopicStatus> statuses = TopicStatuses.read(c.dir()).byResource();
        List<List<String>> rows = new ArrayList<>();
        for (DesiredTopic t : c.desired().topics()) {
            TopicStatus s = statuses.get(t.resourceName());
            String ready = s == null || TopicStatus.PAUSED.equals(s.reason()) ? "" : s.ready() ? "True" : "False";
            rows.add(List.of(t.resourceName(), c.desired().name(),
                    t.partitions().isPresent() ? String.valueOf(t.partitions().getAsInt()) : "",
                    t.replicas().isPresent() ? String.valueOf(t.replicas().getAsInt()) : "", ready));
        }
        return rows;
    }
}
