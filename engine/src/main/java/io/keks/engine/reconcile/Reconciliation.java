package io.keks.engine.reconcile;

import io.keks.engine.ClusterMemory;
import io.keks.engine.DiskUse;
import io.keks.engine.PartitionAvailability;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ChangeGate;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.engine.security.CertificatePlan;
import io.keks.engine.security.CertificateStore;
import io.keks.engine.security.ClusterCertificates;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.user.UserReconciler;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * One reconciliation of a Kafka cluster, the same on every runtime. Its steps, in order:
 * <ol>
 *   <li><b>read what exists</b>: the runtime's facts, gathered first;</li>
 *   <li><b>refuse unsafe changes</b>: the {@link ChangeGate}, and nodes to be started on a filesystem nearly full
 *       where the runtime's disks cannot grow; a refused change is not made, and the cluster goes on as last applied
 *       ({@link Mode#KEEP}) or the pass ends there;</li>
 *   <li><b>remember the cluster</b>: the manifests applied and its {@link ClusterMemory};</li>
 *   <li><b>certificates</b>: what {@link ClusterCertificates} says is missing or due;</li>
 *   <li><b>write node definitions</b>;</li>
 *   <li><b>create missing nodes</b>: new nodes' storage, and with {@link Mode#UP} or {@link Mode#KEEP} the nodes
 *       that do not run; a new cluster's nodes all start together;</li>
 *   <li><b>wait for Kafka</b>: until ready with {@link Mode#UP}, one look otherwise;</li>
 *   <li><b>live config</b>, and beside it <b>topics</b>, then <b>users</b> (where the runtime reconciles them in the
 *       same pass);</li>
 *   <li><b>grow volumes</b>: where the runtime's storage can grow, claims below the manifest's size, and claims of pools
 *       that ask for it before they fill ({@link VolumeGrowth}); also when Kafka does not answer, for raised sizes;</li>
 *   <li><b>rebalances</b>: each KafkaRebalance a lifecycle step further ({@link RebalanceReconciler}), where the
 *       runtime keeps them in the same pass;</li>
 *   <li><b>change of nodes</b>: the {@link ClusterDelta} between the nodes as they started and as desired now,
 *       carried out in the safe order; skipped when Kafka refused the live config;</li>
 *   <li><b>auto-rebalance</b>: after brokers joined, their share of the partitions moved onto them when
 *       {@code spec.cruiseControl.autoRebalance} asks for it;</li>
 *   <li><b>report</b>: the {@link Outcome}, with each broker log directory's disk use (read beside the users).</li>
 * </ol>
 */
public final class Reconciliation {
    private static final long CONFIG_TIMEOUT_MS = 30_000;
    private static final long DISK_TIMEOUT_MS = 10_000;

    /** How a caller's pass treats a refused change and nodes that do not run. */
    public enum Mode {
        /** {@code keks apply}: a refused change ends the pass; stopped nodes stay stopped, the change is theirs at their next start. */
        APPLY(false, false, false),
        /** {@code keks up}: a refused change ends the pass; every node is started, and the pass waits until the cluster is ready. */
        UP(false, true, true),
        /** The operator: the cluster is kept as last applied when a change is refused; missing nodes are made, and Kafka looked at once. */
        KEEP(true, true, false),
        /** Prepares the nodes' definitions and storage and ends before Kafka is asked anything but the gate's questions. */
        PREPARE(false, false, false);

        private final boolean keepsLastApplied;
        private final boolean startsNodes;
        private final boolean waitsUntilReady;

        Mode(boolean keepsLastApplied, boolean startsNodes, boolean waitsUntilReady) {
            this.keepsLastApplied = keepsLastApplied;
            this.startsNodes = startsNodes;
            this.waitsUntilReady = waitsUntilReady;
        }
    }

    /** Hears of each step's result as it is known, for progress and for the lines a person reads. */
    public interface Listener {
        void step(String line);

        default void liveConfig(DynamicConfigApplier.Result result) {
        }

        default void topics(TopicReconciler.Result result) {
        }

        default void users(UserReconciler.Result result) {
        }

        /** The KafkaRebalances after their step, by name. */
        default void rebalances(Map<String, RebalanceState> states) {
        }

        /** The volumes grown and those that should grow and could not, where the runtime's storage can grow. */
        default void volumes(VolumeGrowth.Result result) {
        }

        /** The change of nodes, before it is carried out (also when it is empty). */
        default void changeOfNodes(DesiredCluster applied, ClusterDelta delta) {
        }
    }

    /** Where the pass ended. */
    public enum Ending {
        /** Every step ran. */
        DONE,
        /** The change was refused and not made ({@link Outcome#refused} says why). */
        REFUSED,
        /** Nothing runs: the manifests are kept for the next start. */
        STORED,
        /** A new cluster's nodes are being made; Kafka is looked at on the next pass. */
        CREATING,
        /** Nodes run but Kafka does not answer. */
        NOT_ANSWERING,
        /** Kafka refused the live config: nothing of it changed, and the change of nodes waits. */
        CONFIG_REFUSED
    }

    /**
     * What the pass did.
     *
     * @param applied  the cluster the pass brought the nodes to (the last applied one when a change was refused)
     * @param refused  why the change was refused; empty when it was not
     * @param message  what to say of an ending other than DONE
     * @param delta    the change of nodes, when the pass got that far
     * @param disks    each broker log directory as Kafka reported it when it answered (empty when it did not)
     * @param partitions the partitions that could not take an acks=all write when the pass read them (none known
     *                 when Kafka did not answer)
     */
    public record Outcome(Ending ending, DesiredCluster applied, ClusterMemory memory, List<String> refused, String message,
                          Optional<ObservedCluster> observed, Optional<DynamicConfigApplier.Result> liveConfig,
                          Optional<TopicReconciler.Result> topics, Optional<UserReconciler.Result> users, Optional<ClusterDelta> delta,
                          List<DiskUse> disks, PartitionAvailability partitions) {
        static Outcome ended(Ending ending, DesiredCluster applied, ClusterMemory memory, List<String> refused, String message) {
            return new Outcome(ending, applied, memory, refused, message, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of(), PartitionAvailability.UNKNOWN);
        }
    }

    private Reconciliation() {
    }

    /** @param renewClusterCa renew the cluster CA now even when it is not due ({@code keks roll --renew-ca}) */
    public static Outcome run(ClusterRuntime runtime, Mode mode, boolean renewClusterCa, Listener listener) throws Exception {
        ClusterRuntime.Facts facts = runtime.facts();
        List<String> refused = refuseUnsafeChanges(runtime, facts);
        if (refused.isEmpty()) {
            refused = refuseStartsOnFullVolumes(runtime, facts, mode);
        }
        if (!refused.isEmpty()) {
            if (facts.last().isPresent()) {
                runtime.refused(refused);
            }
            if (!mode.keepsLastApplied || facts.last().isEmpty()) {
                return Outcome.ended(Ending.REFUSED, facts.last().orElse(facts.wanted()), facts.memory(), refused, "the change was refused");
            }
        }
        DesiredCluster applied = refused.isEmpty() ? facts.wanted() : facts.last().orElseThrow();
        ClusterMemory memory = facts.memory().withNodes(applied);
        runtime.remember(applied, memory, !refused.isEmpty());
        Optional<CertificateStore> certificates = runtime.certificates(applied, memory);
        if (certificates.isPresent()) {
            ClusterCertificates.reconcile(applied, memory.internalTls(applied), renewClusterCa, certificates.get(), listener::step);
        }
        runtime.writeNodeDefinitions(applied, memory);
        ClusterRuntime.Created created = runtime.createMissingNodes(applied, memory, mode.startsNodes);
        memory = created.memory();
        runtime.remember(applied, memory, !refused.isEmpty());
        if (created.newCluster() && !mode.waitsUntilReady && mode.startsNodes) {
            return Outcome.ended(Ending.CREATING, applied, memory, refused, "creating the nodes of a new cluster");
        }
        if (mode == Mode.PREPARE || !facts.running() && !mode.startsNodes) {
            return Outcome.ended(Ending.STORED, applied, memory, refused, "no node runs: the manifests are kept for the next start");
        }
        try (Admin admin = runtime.admin()) {
            Optional<ObservedCluster> observed = runtime.observe(applied, admin, mode.waitsUntilReady);
            if (observed.isEmpty()) {
                growVolumes(runtime, applied, List.of(), listener);
                return Outcome.ended(Ending.NOT_ANSWERING, applied, memory, refused, "Kafka does not answer");
            }
            return afterKafkaAnswers(runtime, mode, facts, applied, memory, refused, observed.get(), admin, certificates, listener);
        }
    }

    /** Refuse unsafe changes: what the gate says of the change from the last applied cluster to the wanted one. */
    private static List<String> refuseUnsafeChanges(ClusterRuntime runtime, ClusterRuntime.Facts facts) {
        if (facts.last().isEmpty()) {
            return List.of();
        }
        ClusterMemory m = facts.memory();
        DesiredCluster last = facts.last().get();
        return ChangeGate.refusals(new ChangeGate.Facts(last, facts.wanted(), facts.running(), m.formatted().keySet(), m.internalTls(),
                m.formattedBy(last.version()), runtime::metadataVersions), runtime::admin);
    }

    /**
     * Refuse to start a node on a nearly full filesystem: every node when {@link Mode#UP} starts a stopped cluster, and
     * the nodes that join a running one ({@link Mode#UP} or {@link Mode#APPLY}); a node that runs is left to its warnings.
     */
    private static List<String> refuseStartsOnFullVolumes(ClusterRuntime runtime, ClusterRuntime.Facts facts, Mode mode) throws Exception {
        boolean mayStart = mode == Mode.UP || mode == Mode.APPLY;
        List<DesiredNode> starting = !mayStart ? List.of() : mode == Mode.UP && !facts.running() ? facts.wanted().nodes()
                : facts.running() ? facts.wanted().nodes().stream().filter(n -> !facts.memory().formatted().containsKey(n.id())).toList()
                : List.of();
        if (starting.isEmpty()) {
            return List.of();
        }
        return runtime.volumesBeforeStart(starting).stream().filter(d -> d.percentUsed() >= DiskUse.REFUSE_START_PERCENT)
                .map(d -> d.startRefusal("node " + d.broker())).toList();
    }

    private static Outcome afterKafkaAnswers(ClusterRuntime runtime, Mode mode, ClusterRuntime.Facts facts, DesiredCluster applied,
                                             ClusterMemory memory, List<String> refused, ObservedCluster observed, Admin admin,
                                             Optional<CertificateStore> certificates, Listener listener) throws Exception {
        // the live config and the topics are independent (a topic's defaults that Kafka applies at creation cannot
        // change live), so both go to Kafka at once
        CompletableFuture<Optional<TopicReconciler.Result>> topics = CompletableFuture.supplyAsync(() -> {
            try {
                return runtime.reconcileTopics(applied);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        ConfigModes modes;
        Optional<DynamicConfigApplier.Result> live;
        try {
            modes = runtime.configModes(admin, observed);
            live = liveConfig(runtime, applied, memory, observed, modes, admin);
        } finally {
            topics.exceptionally(e -> Optional.empty()).join();
        }
        live.ifPresent(listener::liveConfig);
        Optional<TopicReconciler.Result> topicResult = joined(topics);
        topicResult.ifPresent(listener::topics);
        if (live.isPresent() && !live.get().managed(memory.managedConfig()).equals(memory.managedConfig())) {
            memory = memory.withManagedConfig(live.get().managed(memory.managedConfig()));
            runtime.remember(applied, memory, !refused.isEmpty());
        }
        Optional<UserReconciler.Result> users = runtime.reconcileUsers(applied);
        users.ifPresent(listener::users);
        // disk use, for the report: read while the pass has Kafka's ear, not by another client afterwards
        List<DiskUse> disks = DiskUse.read(admin, observed.brokers(), DISK_TIMEOUT_MS);
        PartitionAvailability partitions = partitions(admin);
        growVolumes(runtime, applied, disks, listener);
        Optional<RebalanceReconciler> rebalancer = runtime.rebalances()
                .map(store -> new RebalanceReconciler(admin, store, RebalanceReconciler.Settings.defaults(), listener::step));
        if (rebalancer.isPresent() && !applied.rebalances().isEmpty()) {
            listener.rebalances(rebalancer.get().reconcileAll(applied));
        }
        if (live.isPresent() && live.get().refused().isPresent()) {
            return new Outcome(Ending.CONFIG_REFUSED, applied, memory, refused, "Kafka refused spec.kafka.config, nothing was changed: "
                    + live.get().refused().get(), Optional.of(observed), live, topicResult, users, Optional.empty(), disks,
                    partitions);
        }
        // nodes this pass started all at once from a stopped cluster run what is desired: only a metadata.version can be
        // due, or a quorum that a change stopped in the middle left with voters to add or remove
        if (!facts.running() && mode.startsNodes && applied.metadataVersion() == null && votersAsDesired(applied, observed)) {
            return new Outcome(Ending.DONE, applied, memory, refused, "", Optional.of(observed), live, topicResult, users,
                    Optional.empty(), disks, partitions);
        }
        ChangeOfNodes change = changeOfNodes(runtime, applied, memory, modes, certificates, admin, listener);
        if (!change.delta().isEmpty()) {
            runtime.remember(applied, change.memory(), !refused.isEmpty());
        }
        Set<Integer> joined = change.delta().joining().stream().filter(DesiredNode::isBroker).map(DesiredNode::id).collect(Collectors.toSet());
        if (rebalancer.isPresent() && !joined.isEmpty()) {
            rebalancer.get().afterBrokersJoined(applied, joined)
                    .ifPresent(state -> listener.rebalances(Map.of(applied.name() + "-auto-rebalancing-add-brokers", state)));
        }
        return new Outcome(Ending.DONE, applied, change.memory(), refused, "", Optional.of(observed), live, topicResult, users,
                Optional.of(change.delta()), disks, partitions);
    }

    /** The partitions that cannot take an acks=all write, for the report; none known when Kafka does not say in time. */
    private static PartitionAvailability partitions(Admin admin) throws InterruptedException {
        try {
            return PartitionAvailability.read(admin, DISK_TIMEOUT_MS);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return PartitionAvailability.UNKNOWN;
        }
    }

    /** Grow volumes: what {@link VolumeGrowth} says is due, where the runtime's claims can grow. */
    private static void growVolumes(ClusterRuntime runtime, DesiredCluster applied, List<DiskUse> disks, Listener listener) throws Exception {
        Optional<VolumeGrowth.Claims> claims = runtime.claims();
        if (claims.isPresent()) {
            listener.volumes(VolumeGrowth.run(claims.get(), applied, disks, Instant.now(), listener::step));
        }
    }

    /** Whether the controllers that vote are the desired ones (or Kafka did not say). */
    private static boolean votersAsDesired(DesiredCluster applied, ObservedCluster observed) {
        return observed.voters().isEmpty()
                || observed.voters().equals(applied.controllers().stream().map(DesiredNode::id).collect(Collectors.toSet()));
    }

    /** What the change of nodes did, and the memory as the nodes are after it. */
    public record ChangeOfNodes(ClusterDelta delta, ClusterMemory memory) {
    }

    /**
     * The change of nodes: the {@link ClusterDelta} between the nodes as they last started and as desired
     * now (configuration, version, certificate, manual restarts, nodes joining and leaving,
     * metadata.version), carried out by the runtime. A step of every pass, and all of what a local cluster's
     * supervisor runs when a change is handed to it.
     */
    public static ChangeOfNodes changeOfNodes(ClusterRuntime runtime, DesiredCluster applied, ClusterMemory memory, ConfigModes modes,
                                              Optional<CertificateStore> certificates, Admin admin, Listener listener) throws Exception {
        ClusterDelta delta = ClusterDelta.of(applied, runtime.desiredConfigs(applied), runtime.image(admin), modes,
                runtime.manualRestarts(), certificateSerials(applied, memory, certificates), runtime.metadataLevel(applied));
        listener.changeOfNodes(applied, delta);
        return new ChangeOfNodes(delta, delta.isEmpty() ? memory : runtime.changeNodes(applied, memory, delta, admin));
    }

    /** Live config: the entries of spec.kafka.config Kafka changes live, on the brokers that serve; empty when none does. */
    private static Optional<DynamicConfigApplier.Result> liveConfig(ClusterRuntime runtime, DesiredCluster applied, ClusterMemory memory,
                                                                    ObservedCluster observed, ConfigModes modes, Admin admin) throws Exception {
        List<Integer> brokers = applied.brokers().stream().map(DesiredNode::id).filter(observed::brokerServing).toList();
        if (brokers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DynamicConfigApplier(admin, CONFIG_TIMEOUT_MS).apply(applied.config(), memory.managedConfig(),
                runtime.runningConfig(applied, observed), brokers, modes));
    }

    /** The serial of the certificate each node serves now, for the change of nodes to compare with what it started with. */
    private static Map<Integer, String> certificateSerials(DesiredCluster applied, ClusterMemory memory,
                                                           Optional<CertificateStore> store) throws Exception {
        Map<Integer, String> serials = new TreeMap<>();
        if (store.isPresent()) {
            for (DesiredNode n : CertificatePlan.nodesWithCertificates(applied, memory.internalTls(applied))) {
                store.get().nodeCertificate(n).ifPresent(c -> serials.put(n.id(), c.getSerialNumber().toString(16)));
            }
        }
        return serials;
    }

    private static <T> T joined(CompletableFuture<T> f) throws Exception {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
