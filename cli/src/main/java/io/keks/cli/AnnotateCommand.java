package io.keks.cli;

import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.local.LocalCluster;
import io.keks.local.LocalRebalances;
import io.keks.model.DesiredRebalance;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "annotate", description = {"Set or remove an annotation of a KafkaRebalance, as `kubectl annotate` does, and act on it.",
        "strimzi.io/rebalance=approve carries out the proposal shown in its status, with progress;",
        "refresh asks for a new proposal; stop stops a running rebalance: nothing more starts, and the",
        "moves under way end. KEY- removes KEY. When another keks process is carrying out a rebalance,",
        "only the annotation changes: that process reads it about once a second. A rebalance interrupted",
        "(its process killed) goes on from where Kafka is at the next `keks annotate`, `keks apply` or `keks up`."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks annotate kafkarebalance my-rebalance strimzi.io/rebalance=approve",
                "  keks annotate kr my-rebalance strimzi.io/rebalance=stop",
                "  keks annotate kr my-rebalance strimzi.io/rebalance-auto-approval=true",
                "  keks annotate kr my-rebalance strimzi.io/rebalance-      removes the annotation"})
final class AnnotateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "kafkarebalance (or kr)")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The KafkaRebalance's metadata.name.")
    String name;

    @Parameters(index = "2", paramLabel = "KEY=VALUE", description = "The annotation to set, or KEY- to remove it.")
    String annotation;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!RebalanceLines.KINDS.contains(kind.toLowerCase())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot annotate \"" + kind
                    + "\"; keks annotates kafkarebalance (kr) resources");
        }
        String key;
        String value;
        if (annotation.endsWith("-") && !annotation.contains("=")) {
            key = annotation.substring(0, annotation.length() - 1);
            value = null;
        } else if (annotation.indexOf('=') > 0) {
            key = annotation.substring(0, annotation.indexOf('='));
            value = annotation.substring(annotation.indexOf('=') + 1);
        } else {
            throw new CommandLine.ParameterException(spec.commandLine(), "\"" + annotation
                    + "\" is neither KEY=VALUE nor KEY-; e.g. strimzi.io/rebalance=approve");
        }
        if (key.equals(DesiredRebalance.ANNOTATION) && value != null && !List.of("approve", "refresh", "stop").contains(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "\"" + value
                    + "\" is not a rebalance annotation; use approve, refresh or stop");
        }
        LocalCluster c = cluster.open();
        if (c.desired().rebalances().stream().noneMatch(r -> r.name().equals(name))) {
            spec.commandLine().getErr().println("no KafkaRebalance " + name + " in cluster " + c.desired().name()
                    + "; `keks apply -f` it first (`keks get kafkarebalances` lists them)");
            return 1;
        }
        new LocalRebalances(c.dir()).annotate(name, key, value);
        out.println("kafkarebalance/" + name + " annotated");
        out.flush();
        // the stored manifests changed: the cluster as it is now, with the new annotation
        LocalCluster now = cluster.open();
        if (!now.anyNodeRunning()) {
            out.println("the cluster is not running; `keks up` takes the rebalance on");
            out.flush();
            return 0;
        }
        try (Admin admin = now.admin()) {
            Map<String, RebalanceState> states = new RebalanceReconciler(admin, new LocalRebalances(now.dir()), RebalanceReconciler.Settings.defaults(),
                    line -> {
                        out.println(line);
                        out.flush();
                    }).reconcileAll(now.desired());
            RebalanceState s = states.get(name);
            if (s != null) {
                out.println("kafkarebalance/" + name + ": " + s.state() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")"));
            }
            out.flush();
            return s != null && s.state().equals(RebalanceState.NOT_READY) ? 1 : 0;
        }
    }
}
