package io.keks.local;

import io.keks.engine.DiskUse;
import io.keks.engine.ObservedCluster;
import io.keks.engine.PartitionAvailability;
import io.keks.engine.change.ClusterImage;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * A local cluster's status as {@code keks status} shows it, also as JSON: the Kafka-level view
 * (ready, metadata state, bootstrap) and one entry per node, like {@code kubectl get pods}.
 *
 * @param voters      the controllers that vote in the metadata quorum, as Kafka says; empty when it does not answer
 * @param exporterUrl the consumer-lag exporter's endpoint; null when spec.kafkaExporter asks for none
 * @param dashboard   the page {@code keks dashboard} opens; null when no supervisor runs to serve it
 */
public record ClusterStatus(String name, String namespace, String clusterId, boolean ready, String metadataState,
                            String kafkaVersion, String bootstrap, List<Listener> listeners, Integer activeController,
                            List<Integer> voters, List<Node> nodes, List<Condition> conditions, String exporterUrl, String dashboard) {

    public record Listener(String name, boolean tls, String bootstrap) {
    }

    /**
     * @param kafkaVersion   the Kafka version the node last started with (during an upgrade, nodes differ)
     * @param pendingRestart why a change in progress is yet to restart the node (RestartReason names)
     * @param metricsUrl     the node's Prometheus endpoint; null when spec.kafka.metricsConfig asks for none
     * @param disks          a broker's log directories as it reports them; empty for a controller or a broker that
     *                       did not answer
     */
    public record Node(int id, String name, String pool, List<String> roles, Long pid, String rack, String state,
                       int restarts, long startedAt, String log, String kafkaVersion, List<String> pendingRestart,
                       String metricsUrl, List<DiskUse> disks) {
    }

    public record Condition(String type, String status, String reason, String message) {
    }

    /** Reads processes and, when a broker answers within {@code timeoutMs}, the Admin API. */
    public static ClusterStatus of(LocalCluster cluster, long timeoutMs) {
        if (!cluster.anyNodeRunning()) {
            return of(cluster, Optional.empty(), List.of(), PartitionAvailability.UNKNOWN);
        }
        try (Admin admin = cluster.admin()) {
            return of(cluster, admin, timeoutMs);
        } catch (IOException e) {
            return of(cluster, Optional.empty(), List.of(), PartitionAvailability.UNKNOWN);
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
        List<DiskUse> disks = observed.map(o -> DiskUse.read(admin, o.brokers(), timeoutMs)).orElse(List.of());
        PartitionAvailability partitions = PartitionAvailability.UNKNOWN;
        if (observed.isPresent()) {
            try {
                partitions = PartitionAvailability.read(admin, timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the rest of the status is shown all the same
            }
        }
        return of(cluster, observed, disks, partitions);
    }

    private static ClusterStatus of(LocalCluster cluster, Optional<ObservedCluster> observed, List<DiskUse> disks,
                                    PartitionAvailability partitions) {
        Map<Integer, Supervisor.NodeRecord> records = Supervisor.readRecords(cluster.dir());
        Optional<RollRecord> roll;
        Optional<DamagedFileException> damagedRoll = Optional.empty();
        try {
            roll = RollRecord.read(cluster.dir());
        } catch (DamagedFileException e) {
            // status only reads: it shows what it can, and the damage as a Warning
            roll = Optional.empty();
            damagedRoll = Optional.of(e);
        }
        List<Node> nodes = new ArrayList<>();
        for (DesiredNode n : cluster.desired().nodes()) {
            Optional<ProcessHandle> p = cluster.process(n.id());
            Supervisor.NodeRecord rec = records.get(n.id());
            String state = state(n, p.isPresent(), observed, rec);
            nodes.add(new Node(n.id(), cluster.nodeName(n), n.pool(), n.roles().stream().sorted().map(r -> r.kafkaName()).toList(),
                    p.map(ProcessHandle::pid).orElse(null), n.rack(), state, rec == null ? 0 : rec.restarts(),
                    p.flatMap(h -> h.info().startInstant()).map(i -> i.toEpochMilli()).orElse(0L),
                    cluster.logFile(n.id()).toString(), cluster.runningVersion(n.id()).orElse(null),
                    roll.map(r -> r.pending(cluster.nodeName(n))).orElse(List.of()), cluster.metricsUrl(n.id()).orElse(null),
                    disksOf(disks, n.id())));
        }
        // nodes the pools dropped that still exist: a broker being drained shows until it is removed
        try {
            Set<Integer> desiredIds = cluster.desired().nodes().stream().map(DesiredNode::id).collect(Collectors.toSet());
            for (ClusterImage.Node n : cluster.image(null).nodes().values()) {
                if (!desiredIds.contains(n.id())) {
                    Optional<ProcessHandle> p = cluster.process(n.id());
                    nodes.add(new Node(n.id(), cluster.nodeName(n.asDesiredNode()), n.pool(),
                            n.roles().stream().sorted().map(r -> r.kafkaName()).toList(), p.map(ProcessHandle::pid).orElse(null),
                            n.rack(), "Leaving", 0,
                            p.flatMap(h -> h.info().startInstant()).map(i -> i.toEpochMilli()).orElse(0L),
                            cluster.logFile(n.id()).toString(), n.kafkaVersion(), List.of(), null, disksOf(disks, n.id())));
                }
            }
        } catch (Exception e) {
            // the desired nodes are shown all the same
        }
        boolean ready = observed.map(cluster::isReady).orElse(false)
                && nodes.stream().filter(n -> !n.state().equals("Leaving")).allMatch(n -> n.state().equals("Running"));
        List<Listener> listeners = cluster.desired().listeners().stream()
                .map(l -> new Listener(l.name(), l.tls(), cluster.connections().bootstrap(l))).toList();
        ListenerSpec first = cluster.desired().listeners().get(0);
        String notReady = nodes.stream().filter(n -> !n.state().equals("Running") && !n.state().equals("Leaving"))
                .map(n -> n.name() + " " + n.state()).reduce((a, b) -> a + ", " + b).orElse("no broker answered");
        Condition condition = ready ? new Condition("Ready", "True", "", "")
                : new Condition("Ready", "False", cluster.anyNodeRunning() ? "NotReady" : "Stopped",
                        cluster.anyNodeRunning() ? notReady : "no node is running; start the cluster with `keks up`");
        List<Condition> conditions = new ArrayList<>(List.of(condition));
        roll.ifPresent(r -> conditions.addAll(rollConditions(r)));
        damagedRoll.ifPresent(e -> conditions.add(new Condition("Warning", "True", "DamagedFile", e.getMessage())));
        RefusedChange.read(cluster.dir()).ifPresent(r -> conditions.add(new Condition("Warning", "True", "UnsafeChangeRefused",
                "the change applied at " + Instant.ofEpochMilli(r.at()) + " was refused and not made; the cluster"
                        + " runs as before: " + String.join("; ", r.reasons()))));
        cluster.warnings().forEach(w -> conditions.add(new Condition("Warning", "True", "ManifestWarning", w.format())));
        for (Node n : nodes) {
            n.disks().stream().filter(d -> d.needsAttention(DiskUse.WARN_PERCENT))
                    .forEach(d -> conditions.add(new Condition("Warning", "True", d.reason(), d.warning(n.name()))));
        }
        for (DesiredNode n : cluster.desired().nodes()) {
            boolean waiting = nodes.stream().anyMatch(x -> x.id() == n.id() && x.state().equals(Supervisor.VOLUME_FULL));
            if (waiting) {
                cluster.fullVolume(n).ifPresent(d -> conditions.add(new Condition("Warning", "True", Supervisor.VOLUME_FULL,
                        d.restartHeld(cluster.nodeName(n)))));
            }
        }
        partitions.warnings().forEach(w -> conditions.add(new Condition("Warning", "True", w.reason(), w.message())));
        return new ClusterStatus(cluster.desired().name(), cluster.desired().namespace(), cluster.state().memory().clusterId(), ready,
                "KRaft", cluster.desired().version().toString(), cluster.connections().bootstrap(first), listeners,
                observed.flatMap(o -> o.quorumLeader().isPresent() ? Optional.of(o.quorumLeader().getAsInt()) : Optional.empty()).orElse(null),
                observed.map(o -> o.voters().stream().sorted().toList()).orElse(List.of()), nodes, conditions, cluster.exporterUrl().orElse(null),
                Supervisor.process(cluster.dir()).isPresent() ? cluster.dashboardUrl() : null);
    }

    private static List<DiskUse> disksOf(List<DiskUse> disks, int node) {
        return disks.stream().filter(d -> d.broker() == node).toList();
    }

    /** A roll in progress, or the last one stopping, as conditions. */
    static List<Condition> rollConditions(RollRecord r) {
        if (r.phase().equals("Rolling")) {
            // the reason: why the nodes restarting now restart; between restarts (joining, draining) the change goes on
            String reason = r.current().stream().flatMap(n -> r.reasons().getOrDefault(n, List.of()).stream()).distinct()
                    .reduce((a, b) -> a + "," + b).orElse("ChangeInProgress");
            String last = r.events().isEmpty() ? "working out the change" : r.events().get(r.events().size() - 1).message();
            String message = (r.current().isEmpty() ? last : "restarting " + String.join(", ", r.current()) + "; " + last)
                    + (r.total() == 0 ? "" : " (" + r.restarted().size() + " of " + r.total() + " restarts done)");
            return List.of(new Condition("RollingUpdate", "True", reason, message));
        }
        if (r.phase().equals("Failed")) {
            return List.of(new Condition("Warning", "True", "RollFailed", "the roll started "
                    + Instant.ofEpochMilli(r.startedAt()) + " stopped after " + r.restarted().size() + " of " + r.total()
                    + " nodes: " + r.failure() + "; `keks roll` tries again"));
        }
        return List.of();
    }

    private static String state(DesiredNode n, boolean alive, Optional<ObservedCluster> observed, Supervisor.NodeRecord rec) {
        if (!alive) {
            return rec != null && (rec.state().equals("CrashLoopBackOff") || rec.state().equals(Supervisor.VOLUME_FULL)) ? rec.state()
                    : "Stopped";
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
