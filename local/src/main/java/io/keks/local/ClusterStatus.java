package io.keks.local;

import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * A local cluster's status as {@code keks status} shows it, also as JSON: the Kafka-level view
 * (ready, metadata state, bootstrap) and one entry per node, like {@code kubectl get pods}.
 */
public record ClusterStatus(String name, String namespace, String clusterId, boolean ready, String metadataState,
                            String kafkaVersion, String bootstrap, List<Listener> listeners, Integer activeController,
                            List<Node> nodes, List<Condition> conditions) {

    public record Listener(String name, boolean tls, String bootstrap) {
    }

    public record Node(int id, String name, String pool, List<String> roles, Long pid, String rack, String state,
                       int restarts, long startedAt, String log) {
    }

    public record Condition(String type, String status, String reason, String message) {
    }

    /** Reads processes and, when a broker answers within {@code timeoutMs}, the Admin API. */
    public static ClusterStatus of(LocalCluster cluster, long timeoutMs) {
        if (!cluster.anyNodeRunning()) {
            return of(cluster, Optional.empty());
        }
        try (Admin admin = cluster.admin()) {
            return of(cluster, admin, timeoutMs);
        } catch (java.io.IOException e) {
            return of(cluster, Optional.empty());
        }
    }

    /** The same through an Admin client the caller keeps open (for repeated looks). */
    public static ClusterStatus of(LocalCluster cluster, Admin admin, long timeoutMs) {
        Optional<ObservedCluster> observed;
        try {
            observed = cluster.anyNodeRunning() ? Optional.of(cluster.observe(admin, timeoutMs)) : Optional.empty();
        } catch (Exception e) {
            observed = Optional.empty();
        }
        return of(cluster, observed);
    }

    private static ClusterStatus of(LocalCluster cluster, Optional<ObservedCluster> observed) {
        Map<Integer, Supervisor.NodeRecord> records = Supervisor.readRecords(cluster.dir());
        List<Node> nodes = new ArrayList<>();
        for (DesiredNode n : cluster.desired().nodes()) {
            Optional<ProcessHandle> p = cluster.process(n.id());
            Supervisor.NodeRecord rec = records.get(n.id());
            String state = state(n, p.isPresent(), observed, rec);
            nodes.add(new Node(n.id(), cluster.nodeName(n), n.pool(), n.roles().stream().sorted().map(r -> r.kafkaName()).toList(),
                    p.map(ProcessHandle::pid).orElse(null), n.rack(), state, rec == null ? 0 : rec.restarts(),
                    p.flatMap(h -> h.info().startInstant()).map(i -> i.toEpochMilli()).orElse(0L),
                    cluster.logFile(n.id()).toString()));
        }
        boolean ready = observed.map(cluster::isReady).orElse(false)
                && nodes.stream().allMatch(n -> n.state().equals("Running"));
        List<Listener> listeners = cluster.desired().listeners().stream()
                .map(l -> new Listener(l.name(), l.tls(), cluster.bootstrap(l))).toList();
        ListenerSpec first = cluster.desired().listeners().get(0);
        String notReady = nodes.stream().filter(n -> !n.state().equals("Running"))
                .map(n -> n.name() + " " + n.state()).reduce((a, b) -> a + ", " + b).orElse("no broker answered");
        Condition condition = ready ? new Condition("Ready", "True", "", "")
                : new Condition("Ready", "False", cluster.anyNodeRunning() ? "NotReady" : "Stopped",
                        cluster.anyNodeRunning() ? notReady : "no node is running; start the cluster with `keks up`");
        List<Condition> conditions = new ArrayList<>(List.of(condition));
        cluster.warnings().forEach(w -> conditions.add(new Condition("Warning", "True", "ManifestWarning", w.format())));
        return new ClusterStatus(cluster.desired().name(), cluster.desired().namespace(), cluster.state().clusterId(), ready,
                "KRaft", cluster.desired().version().toString(), cluster.bootstrap(first), listeners,
                observed.flatMap(o -> o.quorumLeader().isPresent() ? Optional.of(o.quorumLeader().getAsInt()) : Optional.empty()).orElse(null),
                nodes, conditions);
    }

    private static String state(DesiredNode n, boolean alive, Optional<ObservedCluster> observed, Supervisor.NodeRecord rec) {
        if (!alive) {
            return rec != null && rec.state().equals("CrashLoopBackOff") ? "CrashLoopBackOff" : "Stopped";
        }
        if (observed.isEmpty()) {
            return "Starting";
        }
        ObservedCluster o = observed.get();
        boolean ok = true;
        if (n.isBroker()) {
            ok = o.brokerServing(n.id());
            if (!ok && o.brokers().contains(n.id())) {
                return "Fenced";
            }
        }
        if (n.isController()) {
            ok &= o.voters().contains(n.id()) && o.quorumLeader().isPresent();
        }
        return ok ? "Running" : "Starting";
    }
}
