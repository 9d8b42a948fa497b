package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import io.keks.local.LocalCluster;
import io.keks.local.TopicStatuses;
import io.keks.model.DesiredTopic;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "describe", description = {"Show one resource in detail, as `kubectl describe` would, with what Kafka says of it.",
        "Kinds: kafkatopic (kt): the KafkaTopic's spec and status, and the topic in Kafka: id, every partition's",
        "leader, replicas and in-sync replicas, and the configs set on it. kafkarebalance (kr): its spec, state,",
        "the proposal's summary and each broker's load before and after."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks describe kafkatopic test-topic", "  keks describe kt orders", "  keks describe kafkarebalance my-rebalance"})
final class DescribeCommand implements Callable<Integer> {
    @Mixin
    TopicArgs.ToDescribe topic;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (RebalanceLines.KINDS.contains(topic.kind().toLowerCase())) {
            return RebalanceLines.describe(out, spec.commandLine().getErr(), cluster.open(), topic.name);
        }
        topic.requireTopic(spec, "keks describes kafkatopic and kafkarebalance (`keks status` shows the Kafka and its nodes)");
        LocalCluster c = cluster.open();
        DesiredTopic t = c.desired().topics().stream().filter(d -> d.resourceName().equals(topic.name)).findFirst().orElse(null);
        if (t == null) {
            spec.commandLine().getErr().println("no KafkaTopic " + topic.name + " in cluster " + c.desired().name()
                    + "; `keks get kafkatopics` lists them");
            return 1;
        }
        printSpec(out, c, t);
        printStatus(out, c, t);
        if (!c.anyNodeRunning()) {
            out.println("Kafka:               the cluster is not running; `keks up` starts it");
        } else {
            printKafka(out, c, t);
        }
        out.flush();
        return 0;
    }

    private static void printSpec(PrintWriter out, LocalCluster c, DesiredTopic t) {
        out.println("Name:                " + t.resourceName());
        out.println("Cluster:             " + c.desired().name());
        out.println("Topic name:          " + t.topicName());
        out.println("Applied from:        " + t.source());
        out.println("Spec:");
        out.println("  Partitions:        " + (t.partitions().isPresent() ? t.partitions().getAsInt() : "(broker default)"));
        out.println("  Replicas:          " + (t.replicas().isPresent() ? t.replicas().getAsInt() : "(broker default)"));
        t.config().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.println("  Config:            " + e.getKey() + "=" + e.getValue()));
        if (!t.managed()) {
            out.println("  Annotations:       strimzi.io/managed: \"false\" (keks leaves the topic alone)");
        }
        if (t.paused()) {
            out.println("  Annotations:       strimzi.io/pause-reconciliation: \"true\"");
        }
    }

    private static void printStatus(PrintWriter out, LocalCluster c, DesiredTopic t) throws IOException {
        TopicStatuses stored = TopicStatuses.read(c.dir());
        TopicStatus s = stored.byResource().get(t.resourceName());
        out.println("Status:");
        if (s == null) {
            out.println("  (not reconciled yet: `keks apply` or `keks up` does it)");
        } else {
            out.println("  Ready:             " + (TopicStatus.PAUSED.equals(s.reason()) ? "-" : s.ready() ? "True" : "False")
                    + (s.reason().isEmpty() ? "" : "   reason " + s.reason()));
            if (!s.message().isEmpty()) {
                out.println("  Message:           " + s.message());
            }
            if (s.topicId() != null) {
                out.println("  Topic id:          " + s.topicId());
            }
            if (s.replicasChange() != null) {
                out.println("  Replicas change:   to " + s.replicasChange().targetReplicas() + ", " + s.replicasChange().state()
                        + ": " + s.replicasChange().message());
            }
            out.println("  Reconciled at:     " + Instant.ofEpochMilli(stored.at()));
        }
    }

    /** What Kafka holds of the topic: its id, the configs set on it, and each partition's leader, replicas and ISR. */
    private static void printKafka(PrintWriter out, LocalCluster c, DesiredTopic t) throws Exception {
        try (Admin admin = c.admin()) {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(t.topicName())).allTopicNames().get(30, TimeUnit.SECONDS).get(t.topicName());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    out.println("Kafka:               no topic " + t.topicName() + " in Kafka");
                    return;
                }
                throw e;
            }
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
            Config config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            out.println("Kafka:");
            out.println("  Topic id:          " + d.topicId());
            out.println("  Configs set on the topic:");
            List<ConfigEntry> set = config.entries().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .sorted(Comparator.comparing(ConfigEntry::name)).toList();
            if (set.isEmpty()) {
                out.println("    (none: every config is the broker's default)");
            }
            set.forEach(e -> out.println("    " + e.name() + "=" + e.value()));
            out.println("  Partitions:");
            List<List<String>> rows = new ArrayList<>();
            d.partitions().forEach(p -> rows.add(List.of("    " + p.partition(),
                    p.leader() == null || p.leader().isEmpty() ? "none" : String.valueOf(p.leader().id()), ids(p.replicas()), ids(p.isr()))));
            StatusPrinter.table(out, List.of("    PARTITION", "LEADER", "REPLICAS", "ISR"), rows);
        }
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(",", "[", "]"));
    }
}
