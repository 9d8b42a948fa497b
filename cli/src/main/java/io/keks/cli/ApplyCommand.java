package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import io.keks.local.LocalCluster;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.model.DesiredNode;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", description = {"Apply changed manifests to the running cluster: create and change topics, and",
        "make spec.kafka.config entries that Kafka can change live take effect without a restart",
        "(which ones: Kafka's own config definitions for the running version), and remove live",
        "overrides keks set earlier that the manifest no longer has. Changes that need a restart",
        "are stored and the nodes they concern named; they take effect at the next `keks up`."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks apply -f examples/kafka-topics.yaml", "  keks apply -f my-kafka/"})
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR", description = "Manifest file or directory (repeatable).")
    List<Path> files;

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
        try (Admin admin = cluster.admin()) {
            failures += applyClusterConfig(cluster, admin, out);
            for (TopicStatus t : cluster.reconcileTopics(admin)) {
                if (t.ready()) {
                    out.println("kafkatopic/" + t.resourceName() + " ready (" + t.partitions() + " partitions, " + t.replicas() + " replicas)");
                } else {
                    failures++;
                    out.println("kafkatopic/" + t.resourceName() + " NOT ready: " + t.reason() + ": " + t.message());
                }
            }
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * Applies spec.kafka.config: live where Kafka's config definitions for the running version allow,
     * and names the nodes that need a restart for the rest.
     */
    private static int applyClusterConfig(LocalCluster cluster, Admin admin, PrintWriter out) throws Exception {
        DynamicConfigApplier.Result r = cluster.applyDynamicConfig(admin);
        if (r.refused().isPresent()) {
            out.println("config change refused by Kafka, nothing changed: " + r.refused().get());
            return 1;
        }
        r.changes().forEach(c -> out.println("config " + c));
        Map<DesiredNode, Set<String>> restart = cluster.restartNeeded();
        if (!restart.isEmpty()) {
            out.println("These nodes need a restart for changes Kafka cannot make live; they take effect at the next"
                    + " `keks down` / `keks up`:");
            restart.forEach((n, keys) -> out.println("  " + cluster.nodeName(n) + ": " + String.join(", ", keys)));
        }
        return 0;
    }
}
