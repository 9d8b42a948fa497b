package io.keks.cli;

import io.keks.engine.rebalance.RebalanceState;
import io.keks.local.LocalCluster;
import io.keks.local.LocalRebalances;
import io.keks.model.DesiredRebalance;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the CLI shows KafkaRebalances: `keks get` rows and `keks describe`. */
final class RebalanceLines {
    static final List<String> KINDS = List.of("kafkarebalance", "kafkarebalances", "kr");
    static final List<String> HEADERS = List.of("NAME", "CLUSTER", "TEMPLATE", "STATUS");

    private RebalanceLines() {
    }

    /** The columns of `kubectl get kafkarebalance`: STATUS is the state (blank before the first pass). */
    static List<List<String>> rows(LocalCluster c) throws IOException {
        Map<String, RebalanceState> states = LocalRebalances.all(c.dir());
        List<List<String>> rows = new ArrayList<>();
        for (DesiredRebalance r : c.desired().rebalances()) {
            RebalanceState s = states.get(r.name());
            rows.add(List.of(r.name(), c.desired().name(), r.template() ? "true" : "", s == null ? "" : s.state()));
        }
        states.keySet().stream().filter(n -> c.desired().rebalances().stream().noneMatch(r -> r.name().equals(n)))
                .forEach(n -> rows.add(List.of(n, c.desired().name(), "", states.get(n).state())));
        return rows;
    }

    /** The KafkaRebalance's spec, state, proposal summary and each broker's load before and after. */
    static int describe(PrintWriter out, PrintWriter err, LocalCluster c, String name) throws IOException {
        Optional<DesiredRebalance> r = c.desired().rebalances().stream().filter(d -> d.name().equals(name)).findFirst();
        Optional<RebalanceState> s = new LocalRebalances(c.dir()).load(name);
        if (r.isEmpty() && s.isEmpty()) {
            err.println("no KafkaRebalance " + name + " in cluster " + c.desired().name() + "; `keks get kafkarebalances` lists them");
            return 1;
        }
        out.println("Name:                " + name);
        out.println("Cluster:             " + c.desired().name());
        r.ifPresent(d -> {
            out.println("Mode:                " + d.mode() + (d.brokers().isEmpty() ? "" : " " + d.brokers()));
            out.println("Goals:               " + (d.goals().isEmpty() ? "(the defaults)" : String.join(", ", d.goals())));
            if (d.excludedTopics() != null) {
                out.println("Excluded topics:     " + d.excludedTopics());
            }
            out.println("Annotations:         " + (d.annotation().isEmpty() ? "" : DesiredRebalance.ANNOTATION + "=" + d.annotation() + " ")
                    + (d.autoApproval() ? DesiredRebalance.AUTO_APPROVAL + "=true" : "") + (d.template() ? DesiredRebalance.TEMPLATE + "=true" : ""));
        });
        if (s.isEmpty()) {
            out.println("Status:              (not reconciled yet: `keks apply` proposes it)");
            out.flush();
            return 0;
        }
        RebalanceState state = s.get();
        out.println("Status:              " + state.state() + (state.lastTransitionTime().isEmpty() ? "" : " since " + state.lastTransitionTime()));
        if (!state.reason().isEmpty()) {
            out.println("  Message:           " + state.reason());
        }
        if (state.progress() != null) {
            var p = state.progress();
            out.println("  Progress:          " + p.partitionsDone() + " of " + p.partitions() + " partitions (" + p.percent() + " %), "
                    + p.bytesDone() / (1 << 20) + " of " + p.bytes() / (1 << 20) + " MiB");
        }
        if (!state.optimizationResult().isEmpty()) {
            out.println("Optimization result:");
            state.optimizationResult().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        if (!state.brokerLoad().isEmpty()) {
            out.println("Broker load (before -> after):");
            List<List<String>> rows = new ArrayList<>();
            state.brokerLoad().forEach((broker, m) -> rows.add(List.of("  " + broker, change(m.get("replicas")), change(m.get("leaders")),
                    change(m.get("diskUsedMB")), change(m.get("leaderNetworkInboundRate")))));
            StatusPrinter.table(out, List.of("  BROKER", "REPLICAS", "LEADERS", "DISK MB", "LEADER IN KB/S"), rows);
        }
        out.flush();
        return 0;
    }

    private static String change(Map<String, Double> m) {
        return m == null ? "" : format(m.get("before")) + " -> " + format(m.get("after"));
    }

    private static String format(Double d) {
        return d == null ? "" : d == Math.rint(d) ? String.valueOf(d.longValue()) : String.format("%.1f", d);
    }
}
