package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import io.keks.local.LocalCluster;
import io.keks.model.manifest.Manifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", description = {"Apply changed manifests to the running cluster: create and change topics, and",
        "set spec.kafka.config entries that Kafka can change live (cluster-wide, no restart).",
        "Changes that need a restart are stored and named; they take effect at the next `keks up`."},
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

    /** Sets cluster-wide dynamic configs that differ; Kafka's own config definitions say which keys are dynamic. */
    private static int applyClusterConfig(LocalCluster cluster, Admin admin, PrintWriter out) throws Exception {
        int broker = cluster.desired().brokers().get(0).id();
        ConfigResource one = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(broker));
        ConfigResource all = new ConfigResource(ConfigResource.Type.BROKER, "");
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(one)).all().get(30, TimeUnit.SECONDS);
        Config current = configs.get(one);
        List<AlterConfigOp> ops = new java.util.ArrayList<>();
        for (var e : cluster.desired().config().entrySet()) {
            ConfigEntry have = current.get(e.getKey());
            if (have == null || e.getValue().equals(have.value())) {
                continue;
            }
            if (have.isReadOnly()) {
                out.println("config " + e.getKey() + "=" + e.getValue() + " needs a restart of the brokers; it is stored"
                        + " and takes effect at the next `keks down` / `keks up`");
            } else {
                ops.add(new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET));
            }
        }
        if (ops.isEmpty()) {
            return 0;
        }
        try {
            admin.incrementalAlterConfigs(Map.of(all, ops)).all().get(30, TimeUnit.SECONDS);
            ops.forEach(op -> out.println("config " + op.configEntry().name() + "=" + op.configEntry().value() + " set live on every broker"));
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("config change refused by Kafka: " + e.getCause().getMessage());
            return 1;
        }
    }
}
