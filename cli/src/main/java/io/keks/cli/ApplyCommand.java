package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import io.keks.local.LocalCluster;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.model.DesiredNode;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", sortOptions = false,
        description = {"Apply changed manifests to the running cluster: create and change topics, and",
        "make spec.kafka.config entries that Kafka can change live take effect without a restart",
        "(which ones: Kafka's own config definitions for the running version), and remove live",
        "overrides keks set earlier that the manifest no longer has. Nodes whose configuration changed",
        "in entries that need a restart are rolled one at a time in the safe order (see `keks roll --help`).",
        "Node pools may grow (new brokers start and join) or shrink (the brokers that leave are drained",
        "first: their replicas move to the others, rack-aware and throttled, then they stop and are",
        "unregistered). Unsafe changes are refused with the reason, before anything is touched: fewer",
        "brokers than a topic's replicas, no broker or controller pool left, a controller pool's roles or",
        "the set of controllers changing, storage shrinking, min.insync.replicas above a replication factor.",
        "apply shows the progress and returns when the change is complete."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks apply -f examples/kafka-topics.yaml", "  keks apply -f my-kafka/",
                "  keks apply -f my-kafka/ --no-wait && keks status",
                "  keks apply -f pools-with-4-brokers.yaml --drain-throttle 100"})
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR", description = "Manifest file or directory (repeatable).")
    List<Path> files;

    @Option(names = "--no-wait", description = "Return once the change is handed over; `keks status` shows a roll in progress.")
    boolean noWait;

    @Option(names = "--by-rack", description = "Roll the brokers of one rack together when every partition spans racks.")
    boolean byRack;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Bound of each wait of a roll (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--drain-throttle", paramLabel = "MIB_PER_S", defaultValue = "50",
            description = "Replication throttle while a broker that leaves is drained, in MiB/s (default ${DEFAULT-VALUE}).")
    long drainThrottleMib;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Manifests manifests = ManifestOptions.read(files, err);
        if (manifests.hasErrors()) {
            return 2;
        }
        var applied = ManifestOptions.apply(manifests, LocalCluster.Options.defaults(), m -> out.println("  " + m), err);
        if (applied.isEmpty()) {
            return 2;
        }
        LocalCluster cluster = applied.get();
        if (!cluster.anyNodeRunning()) {
            out.println("Stored. Cluster " + cluster.desired().name() + " is not running; `keks up` starts it with these manifests.");
            return 0;
        }
        int failures = 0;
        int configFailures;
        ClusterDelta delta;
        try (Admin admin = cluster.admin()) {
            configFailures = applyClusterConfig(cluster, admin, out);
            failures += configFailures;
            for (TopicStatus t : cluster.reconcileTopics(admin)) {
                if (t.ready()) {
                    out.println("kafkatopic/" + t.resourceName() + " ready (" + t.partitions() + " partitions, " + t.replicas() + " replicas)");
                } else {
                    failures++;
                    out.println("kafkatopic/" + t.resourceName() + " NOT ready: " + t.reason() + ": " + t.message());
                }
            }
            delta = cluster.delta(admin, Set.of());
        }
        if (!delta.restartKeys().isEmpty()) {
            out.println("These nodes need a restart for changes Kafka cannot make live:");
            delta.restartKeys().forEach((id, keys) -> out.println("  " + cluster.nodeName(cluster.desired().node(id)) + ": "
                    + String.join(", ", keys)));
        }
        out.flush();
        if (configFailures == 0 && !delta.isEmpty()) {
            out.println("Changing the nodes: " + delta.summary(false));
            failures += RollFollower.request(cluster, Set.of(), byRack, timeoutSeconds, drainThrottleMib * 1024 * 1024, noWait, out, err);
        }
        return failures == 0 ? 0 : 1;
    }

    /** Applies spec.kafka.config live where Kafka's config definitions for the running version allow. */
    private static int applyClusterConfig(LocalCluster cluster, Admin admin, PrintWriter out) throws Exception {
        DynamicConfigApplier.Result r = cluster.applyDynamicConfig(admin);
        if (r.refused().isPresent()) {
            out.println("config change refused by Kafka, nothing changed: " + r.refused().get());
            return 1;
        }
        r.changes().forEach(c -> out.println("config " + c));
        return 0;
    }
}
