package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.model.DesiredNode;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", sortOptions = false,
        description = {"Apply changed manifests to the running cluster and bring its nodes in line, safely.",
        "- topics are created, grown and re-configured;",
        "- spec.kafka.config entries Kafka can change live take effect without a restart (which ones: the",
        "  running version's own config definitions); live overrides keks set earlier and the manifest",
        "  dropped are removed;",
        "- nodes whose configuration changed in entries that need a restart, or whose spec.kafka.version",
        "  changed, are rolled in the safe order (see `keks roll --help`); once every node runs the new",
        "  version, spec.kafka.metadataVersion is finalized when the manifest sets it;",
        "- node pools grow (new brokers start and join) or shrink (the leaving brokers are drained first:",
        "  their replicas move to the others, rack-aware and throttled; then they stop and are unregistered).",
        "Unsafe changes are refused with the reason before anything is touched (exit code 2): fewer brokers",
        "than a topic's replicas, no broker or controller pool left, a controller pool's roles or the set",
        "of controllers changing, storage shrinking, min.insync.replicas above a replication factor, a",
        "Kafka or metadata version the cluster cannot go back to. apply shows the progress and returns",
        "when the change is complete; with --no-wait at once, and `keks status` shows the change."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks apply -f examples/kafka-topics.yaml", "  keks apply -f my-kafka/",
                "  keks apply -f my-kafka/ --no-wait && keks status",
                "  keks apply -f pools-with-4-brokers.yaml --drain-throttle 100"})
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR", description = "Manifest file or directory (repeatable).")
    List<Path> files;

    @Mixin
    RollOptions roll;

    @Option(names = "--drain-throttle", paramLabel = "MIB_PER_S", defaultValue = "50",
            description = {"Replication throttle while a broker that leaves is drained, or while a topic's replicas are added,",
                    "in MiB/s per broker (default ${DEFAULT-VALUE})."})
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
            // the live config and the topics are independent (a topic's defaults that Kafka applies at creation,
            // num.partitions and default.replication.factor, cannot change live), so both go to Kafka at once;
            // each prints its own lines whole as it goes
            CompletableFuture<Integer> config = CompletableFuture.supplyAsync(() -> {
                try {
                    int f = applyClusterConfig(cluster, admin, out);
                    out.flush();
                    return f;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            if (!cluster.desired().topics().isEmpty()) {
                io.keks.engine.topic.TopicReconciler.Result topics;
                try {
                    topics = cluster.reconcileTopics(drainThrottleMib * 1024 * 1024, Duration.ofSeconds(roll.timeoutSeconds),
                            progress -> {
                                out.println(progress);
                                out.flush();
                            });
                } finally {
                    config.exceptionally(e -> 1).join(); // the Admin client it uses is closed below
                }
                // what Kafka did with the topics is shown even when the config check then reports a failure
                failures += TopicLines.print(topics.statuses(), topics.writeCalls(), out);
                configFailures = joined(config);
            } else {
                configFailures = joined(config);
            }
            failures += configFailures;
            if (!cluster.desired().users().isEmpty()) {
                failures += UserLines.print(io.keks.local.LocalUsers.reconcile(cluster), out);
            }
            delta = cluster.delta(admin, Set.of());
        }
        if (!delta.restartKeys().isEmpty()) {
            out.println("These nodes need a restart for changes Kafka cannot make live:");
            delta.restartKeys().forEach((id, keys) -> out.println("  " + cluster.nodeName(cluster.desired().node(id)) + ": "
                    + String.join(", ", keys)));
        }
        out.flush();
        // certificates renewed by the apply (within spec.clusterCa.renewalDays) are in the delta: their nodes restart to serve them
        if (configFailures == 0 && !delta.isEmpty()) {
            out.println("Changing the nodes: " + delta.summary(false));
            failures += RollFollower.request(cluster, Set.of(), roll, drainThrottleMib * 1024 * 1024, out, err);
        }
        return failures == 0 ? 0 : 1;
    }

    private static int joined(CompletableFuture<Integer> f) throws Exception {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
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
