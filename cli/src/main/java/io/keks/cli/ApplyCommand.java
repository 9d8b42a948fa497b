package io.keks.cli;

import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.UnsafeChangeException;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.user.UserReconciler;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import io.keks.local.LocalClusterRuntime;
import io.keks.model.DesiredCluster;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
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
        return pass(LocalClusterRuntime.of(ClusterHome.fromEnvironment(), manifests, LocalCluster.Options.defaults(),
                m -> out.println("  " + m)), manifests, roll, drainThrottleMib, out, err);
    }

    /**
     * An apply's pass over {@code base} (the manifests read, or a cluster without a deleted pool): topics, users and the
     * change of nodes followed until done, the outcome as the exit code.
     */
    static int pass(LocalClusterRuntime base, Manifests manifests, RollOptions roll, long drainThrottleMib, PrintWriter out,
                    PrintWriter err) throws Exception {
        long throttle = drainThrottleMib * 1024 * 1024;
        int[] failures = new int[1];
        LocalClusterRuntime runtime = base
                .withTopics(new LocalClusterRuntime.Topics(throttle, Duration.ofSeconds(roll.timeoutSeconds), line -> {
                    out.println(line);
                    out.flush();
                }))
                .changing((cluster, delta, admin) -> failures[0] += RollFollower.request(cluster, Set.of(), roll, throttle, out, err));
        Reconciliation.Outcome o = ManifestOptions.run(runtime, Reconciliation.Mode.APPLY, manifests, new Lines(out, runtime, failures), err);
        if (o == null) {
            return 2;
        }
        return switch (o.ending()) {
            case REFUSED -> throw new UnsafeChangeException(o.refused());
            case STORED -> {
                out.println("Stored. Cluster " + o.applied().name() + " is not running; `keks up` starts it with these manifests.");
                yield 0;
            }
            case NOT_ANSWERING -> {
                err.println("error: the nodes of cluster " + o.applied().name() + " run but Kafka does not answer; the manifests are"
                        + " stored, and the rest of the change is made by the next apply once `keks status` shows the cluster ready");
                yield 1;
            }
            case CONFIG_REFUSED -> 1;
            default -> failures[0] == 0 ? 0 : 1;
        };
    }

    /** What a person reads of an apply: live config, topics, users, and the change of nodes before it starts. */
    private record Lines(PrintWriter out, LocalClusterRuntime runtime, int[] failures) implements Reconciliation.Listener {
        @Override
        public void step(String line) {
            out.println("  " + line);
            out.flush();
        }

        @Override
        public void liveConfig(DynamicConfigApplier.Result r) {
            if (r.refused().isPresent()) {
                out.println("config change refused by Kafka, nothing changed: " + r.refused().get());
                failures[0]++;
            }
            r.changes().forEach(c -> out.println("config " + c));
            out.flush();
        }

        @Override
        public void topics(TopicReconciler.Result topics) {
            failures[0] += TopicLines.print(topics.statuses(), topics.writeCalls(), out);
        }

        @Override
        public void users(UserReconciler.Result result) {
            runtime.users().ifPresent(u -> failures[0] += UserLines.print(u, out));
        }

        @Override
        public void changeOfNodes(DesiredCluster applied, ClusterDelta delta) {
            if (!delta.restartKeys().isEmpty()) {
                out.println("These nodes need a restart for changes Kafka cannot make live:");
                delta.restartKeys().forEach((id, keys) -> out.println("  " + runtime.cluster().nodeName(applied.node(id)) + ": "
                        + String.join(", ", keys)));
            }
            // certificates renewed by the apply (within spec.clusterCa.renewalDays) are in the delta: their nodes restart to serve them
            if (!delta.isEmpty()) {
                out.println("Changing the nodes: " + delta.summary(false));
            }
            out.flush();
        }
    }
}
