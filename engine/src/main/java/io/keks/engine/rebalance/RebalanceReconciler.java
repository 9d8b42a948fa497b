package io.keks.engine.rebalance;

import io.keks.engine.rebalance.RebalanceLifecycle.Action;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredRebalance;
import io.keks.model.RebalanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The rebalance step of a reconciliation: each KafkaRebalance of the cluster taken one lifecycle step
 * ({@link RebalanceLifecycle}) further, the running one first, one execution at a time. The same on every
 * runtime; a runtime only keeps the state ({@link Store}).
 */
public final class RebalanceReconciler {

    /** Where a runtime keeps each rebalance's state and annotation. */
    public interface Store {
        Optional<RebalanceState> load(String name) throws Exception;

        void save(String name, RebalanceState state) throws Exception;

        /** The {@code strimzi.io/rebalance} annotation as it is now: a stop may come while a rebalance runs. */
        String annotation(String name) throws Exception;

        void removeAnnotation(String name) throws Exception;

        /**
         * The right to take rebalances a step further, held until closed: one process (and thread) at a time has
         * it. Empty while another holds it; that one reads the annotations between its batches.
         */
        default Optional<AutoCloseable> exclusive() throws Exception {
            return Optional.of(() -> { });
        }
    }

    /**
     * @param samplingWindow how long logs are watched growing before a proposal (throughput); zero for sizes only
     * @param stallTimeout   how long a batch may make no progress
     */
    public record Settings(Duration samplingWindow, Duration stallTimeout) {
        /** 5 s of sampling, unless the system property {@code keks.rebalance.sampling.seconds} or KEKS_REBALANCE_SAMPLING_SECONDS says otherwise. */
        public static Settings defaults() {
            String sampling = System.getProperty("keks.rebalance.sampling.seconds", System.getenv("KEKS_REBALANCE_SAMPLING_SECONDS"));
            return new Settings(Duration.ofSeconds(sampling == null ? 5 : Long.parseLong(sampling)), Duration.ofMinutes(10));
        }
    }

    public interface Listener {
        void step(String line);
    }

    private final Admin admin;
    private final Store store;
    private final Settings settings;
    private final Listener listener;

    public RebalanceReconciler(Admin admin, Store store, Settings settings, Listener listener) {
        this.admin = admin;
        this.store = store;
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * Takes every KafkaRebalance of {@code cluster} a step further; returns each one's state after it (as stored,
     * untouched, when another process holds the rebalances).
     */
    public Map<String, RebalanceState> reconcileAll(DesiredCluster cluster) throws Exception {
        Map<String, RebalanceState> states = new LinkedHashMap<>();
        for (DesiredRebalance r : cluster.rebalances()) {
            if (!r.template()) {
                states.put(r.name(), store.load(r.name()).orElse(RebalanceState.fresh()));
            }
        }
        Optional<AutoCloseable> lease = store.exclusive();
        if (lease.isEmpty()) {
            listener.step("another keks process is carrying out a rebalance; it reads the annotations between batches");
            return states;
        }
        try (AutoCloseable held = lease.get()) {
            return reconcileAll(cluster, states);
        }
    }

    private Map<String, RebalanceState> reconcileAll(DesiredCluster cluster, Map<String, RebalanceState> states) throws Exception {
        // the one carrying out a proposal goes first, so that the others see whether it is still running
        List<DesiredRebalance> order = cluster.rebalances().stream().filter(r -> !r.template())
                .sorted(Comparator.comparing(r -> !states.get(r.name()).state().equals(RebalanceState.REBALANCING))).toList();
        for (DesiredRebalance r : order) {
            Optional<String> running = states.entrySet().stream()
                    .filter(e -> !e.getKey().equals(r.name()) && e.getValue().state().equals(RebalanceState.REBALANCING))
                    .map(Map.Entry::getKey).findFirst();
            states.put(r.name(), reconcile(cluster, r, states.get(r.name()), running));
        }
        return states;
    }

    /**
     * One KafkaRebalance of {@code cluster} a step further, where a controller takes each resource on its own
     * (Kubernetes); {@code running} names another rebalance of the cluster that is rebalancing now.
     */
    public RebalanceState reconcileOne(DesiredCluster cluster, String name, Optional<String> running) throws Exception {
        DesiredRebalance r = cluster.rebalances().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        RebalanceState state = store.load(name).orElse(RebalanceState.fresh());
        if (r.template()) {
            return state;
        }
        Optional<AutoCloseable> lease = store.exclusive();
        if (lease.isEmpty()) {
            // another rebalance of the cluster is being carried out here, under the lease: this one may not start
            return reconcile(cluster, r, state, Optional.of(running.orElse("")));
        }
        try (AutoCloseable held = lease.get()) {
            return reconcile(cluster, r, state, running);
        }
    }

    /** One KafkaRebalance one step further. */
    RebalanceState reconcile(DesiredCluster cluster, DesiredRebalance r, RebalanceState state, Optional<String> running) throws Exception {
        if (cluster.rebalanceSpec().isEmpty()) {
            return save(r, state.with(RebalanceState.NOT_READY, "Kafka " + cluster.name() + " has no spec.cruiseControl, so rebalancing"
                    + " is off; add `cruiseControl: {}` to its spec (keks runs no Cruise Control: it rebalances itself)", now()));
        }
        Action action = RebalanceLifecycle.next(state.state(), r.annotation(), r.autoApproval());
        if (action == Action.EXECUTE && running.isPresent()) {
            return save(r, state.with(state.state(), "waiting: " + (running.get().isEmpty() ? "another KafkaRebalance of the cluster"
                    : "KafkaRebalance " + running.get()) + " is rebalancing; this one starts"
                    + " when it ends", now()));
        }
        if (RebalanceLifecycle.consumes(action, r.annotation())) {
            store.removeAnnotation(r.name());
        }
        return switch (action) {
            case PROPOSE -> propose(cluster, r, state);
            case EXECUTE -> execute(cluster, r, state);
            case STOP -> save(r, state.with(RebalanceState.STOPPED, "stopped by strimzi.io/rebalance=stop", now()));
            case STOP_AND_PROPOSE -> propose(cluster, r, state.with(RebalanceState.STOPPED, "", now()));
            case WAIT -> state;
        };
    }

    /**
     * Rebalances by itself after brokers joined, when {@code spec.cruiseControl.autoRebalance} has mode add-brokers:
     * a proposal for the new brokers with the template's settings, carried out at once. Its state is kept under
     * {@code <cluster>-auto-rebalancing-add-brokers}, as Strimzi names the rebalance it makes.
     */
    public Optional<RebalanceState> afterBrokersJoined(DesiredCluster cluster, Set<Integer> joined) throws Exception {
        DesiredRebalance auto;
        switch (AutoRebalance.of(cluster, AutoRebalance.ADD_BROKERS, joined)) {
            case AutoRebalance.Wanted.Off off -> {
                return Optional.empty();
            }
            case AutoRebalance.Wanted.MissingTemplate m -> {
                listener.step("auto-rebalance skipped: template KafkaRebalance " + m.template() + " is not applied");
                return Optional.empty();
            }
            case AutoRebalance.Wanted.On on -> auto = on.rebalance();
        }
        Optional<AutoCloseable> lease = store.exclusive();
        if (lease.isEmpty()) {
            listener.step("auto-rebalance skipped: another keks process is carrying out a rebalance");
            return Optional.empty();
        }
        try (AutoCloseable held = lease.get()) {
            listener.step("auto-rebalance: brokers " + auto.brokers() + " joined; moving their share of the partitions onto them");
            RebalanceState proposed = propose(cluster, auto, RebalanceState.fresh());
            return Optional.of(proposed.state().equals(RebalanceState.PROPOSAL_READY) ? execute(cluster, auto, proposed) : proposed);
        }
    }

    private RebalanceState propose(DesiredCluster cluster, DesiredRebalance r, RebalanceState state) throws Exception {
        save(r, state.with(RebalanceState.PENDING_PROPOSAL, "", now()));
        if (r.mode().equals("remove-disks")) {
            return proposeDiskMoves(r, state);
        }
        listener.step("KafkaRebalance " + r.name() + ": sampling the load for " + settings.samplingWindow().toSeconds() + " s");
        ClusterLoad load = LoadSampler.sample(admin, settings.samplingWindow());
        Proposal proposal;
        try {
            proposal = RebalancePlanner.plan(load, request(r, cluster.rebalanceSpec().get()));
        } catch (RebalanceRefused e) {
            listener.step("KafkaRebalance " + r.name() + ": " + e.getMessage());
            return save(r, state.with(RebalanceState.NOT_READY, e.getMessage(), now()));
        }
        Map<TopicPartition, Long> sizes = new HashMap<>();
        load.partitions().forEach(p -> sizes.put(new TopicPartition(p.topic(), p.partition()), p.sizeBytes()));
        List<RebalanceState.Move> moves = new ArrayList<>();
        proposal.moves().forEach((tp, replicas) -> moves.add(new RebalanceState.Move(tp.topic(), tp.partition(), replicas,
                sizes.getOrDefault(tp, 0L))));
        RebalanceState ready = new RebalanceState(RebalanceState.PROPOSAL_READY, "", UUID.randomUUID().toString(),
                optimizationResult(r, proposal), moves, brokerLoad(proposal), null, now());
        listener.step("KafkaRebalance " + r.name() + ": proposal ready, " + proposal.replicaMovements() + " replica(s) and "
                + proposal.leaderMovements() + " leader(s) to move, " + proposal.dataToMoveBytes() / (1 << 20) + " MiB of data; balancedness "
                + proposal.balancednessBefore() + " -> " + proposal.balancednessAfter());
        return save(r, ready);
    }

    /** remove-disks: each replica of the volumes to empty to another log directory of its broker ({@link DiskPlan}). */
    private RebalanceState proposeDiskMoves(DesiredRebalance r, RebalanceState state) throws Exception {
        List<DiskPlan.Move> moves;
        try {
            moves = DiskPlan.plan(LoadSampler.disks(admin), r.volumes());
        } catch (RebalanceRefused e) {
            listener.step("KafkaRebalance " + r.name() + ": " + e.getMessage());
            return save(r, state.with(RebalanceState.NOT_READY, e.getMessage(), now()));
        }
        long bytes = moves.stream().mapToLong(DiskPlan.Move::bytes).sum();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("numIntraBrokerReplicaMovements", moves.size());
        result.put("intraBrokerDataToMoveMB", bytes / (1 << 20));
        result.put("numReplicaMovements", 0);
        result.put("numLeaderMovements", 0);
        result.put("dataToMoveMB", 0);
        result.put("afterBeforeLoadConfigMap", r.name());
        List<RebalanceState.Move> kept = moves.stream().map(m -> new RebalanceState.Move(m.partition().topic(), m.partition().partition(),
                List.of(), m.bytes(), m.broker(), m.to())).toList();
        listener.step("KafkaRebalance " + r.name() + ": proposal ready, " + moves.size() + " replica(s) to move between log directories, "
                + bytes / (1 << 20) + " MiB of data");
        return save(r, new RebalanceState(RebalanceState.PROPOSAL_READY, "", UUID.randomUUID().toString(), result, kept, Map.of(), null,
                now()));
    }

    private RebalanceState execute(DesiredCluster cluster, DesiredRebalance r, RebalanceState state) throws Exception {
        RebalanceState[] current = {save(r, state.with(RebalanceState.REBALANCING, "", now()))};
        Map<TopicPartition, List<Integer>> target = new LinkedHashMap<>();
        Map<TopicPartition, Long> sizes = new HashMap<>();
        for (RebalanceState.Move m : state.proposal()) {
            TopicPartition tp = new TopicPartition(m.topic(), m.partition());
            target.put(tp, m.replicas());
            sizes.put(tp, m.bytes());
        }
        RebalanceExecutor executor = new RebalanceExecutor(admin, new RebalanceExecutor.Settings(r.movesPerBroker(), r.leaderMovements(),
                r.replicationThrottle(), settings.stallTimeout()), new RebalanceExecutor.Listener() {
            @Override
            public void step(String line) {
                listener.step("KafkaRebalance " + r.name() + ": " + line);
            }

            private long savedAt = System.nanoTime() - 2_000_000_000L;

            /** Saved at most once a second (on Kubernetes each save is a status and a ConfigMap write), and at the end. */
            @Override
            public void progress(RebalanceExecutor.Progress progress) {
                current[0] = current[0].withProgress(progress);
                if (System.nanoTime() - savedAt < 1_000_000_000L && progress.partitionsDone() < progress.partitions()) {
                    return;
                }
                savedAt = System.nanoTime();
                try {
                    save(r, current[0]);
                } catch (Exception e) {
                    listener.step("KafkaRebalance " + r.name() + ": progress not saved (" + e.getMessage() + ")");
                }
            }
        });
        try {
            RebalanceExecutor.Ending ending = r.mode().equals("remove-disks")
                    ? executor.moveBetweenDisks(state.proposal().stream().map(m -> new DiskPlan.Move(new TopicPartition(m.topic(), m.partition()),
                            m.broker(), "", m.logDir(), m.bytes())).toList(), () -> stopAsked(r.name()))
                    : executor.execute(target, sizes, () -> stopAsked(r.name()));
            if (ending == RebalanceExecutor.Ending.STOPPED) {
                boolean refresh = store.annotation(r.name()).equals("refresh");
                store.removeAnnotation(r.name());
                RebalanceState stopped = save(r, current[0].with(RebalanceState.STOPPED, refresh ? "" : "stopped by strimzi.io/rebalance=stop", now()));
                return refresh ? propose(cluster, r, stopped) : stopped;
            }
            return save(r, current[0].with(RebalanceState.READY, "", now()));
        } catch (RebalanceExecutor.Failed e) {
            return save(r, current[0].with(RebalanceState.NOT_READY, e.getMessage(), now()));
        }
    }

    private boolean stopAsked(String name) {
        try {
            String a = store.annotation(name);
            return a.equals("stop") || a.equals("refresh");
        } catch (Exception e) {
            return false;
        }
    }

    private RebalanceState save(DesiredRebalance r, RebalanceState state) throws Exception {
        store.save(r.name(), state);
        return state;
    }

    /** The planner's request for a KafkaRebalance on a cluster with {@code spec}. */
    public static RebalanceRequest request(DesiredRebalance r, RebalanceSpec spec) {
        RebalanceRequest.Mode mode = switch (r.mode()) {
            case "add-brokers" -> RebalanceRequest.Mode.ADD_BROKERS;
            case "remove-brokers" -> RebalanceRequest.Mode.REMOVE_BROKERS;
            default -> RebalanceRequest.Mode.FULL;
        };
        RebalanceRequest.Capacity d = RebalanceRequest.Capacity.defaults();
        return new RebalanceRequest(mode, Set.copyOf(r.brokers()), r.goals(), r.skipHardGoalCheck(),
                r.excludedTopics() == null ? null : Pattern.compile(r.excludedTopics()),
                new RebalanceRequest.Capacity(d.maxReplicasPerBroker(), d.diskThreshold(), d.networkThreshold(),
                        spec.inboundBytesPerSecond(), spec.outboundBytesPerSecond()));
    }

    /** status.optimizationResult, with Strimzi's keys, and the goals keks could not weigh or did not meet. */
    static Map<String, Object> optimizationResult(DesiredRebalance r, Proposal p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("numIntraBrokerReplicaMovements", 0);
        out.put("numReplicaMovements", p.replicaMovements());
        out.put("onDemandBalancednessScoreAfter", p.balancednessAfter());
        out.put("afterBeforeLoadConfigMap", r.name());
        out.put("intraBrokerDataToMoveMB", 0);
        out.put("monitoredPartitionsPercentage", 100.0);
        out.put("provisionRecommendation", "");
        out.put("excludedBrokersForReplicaMove", List.of());
        out.put("excludedBrokersForLeadership", List.of());
        out.put("provisionStatus", "UNDECIDED");
        out.put("onDemandBalancednessScoreBefore", p.balancednessBefore());
        out.put("recentWindows", 1);
        out.put("dataToMoveMB", p.dataToMoveBytes() / (1 << 20));
        out.put("excludedTopics", p.excludedTopics());
        out.put("numLeaderMovements", p.leaderMovements());
        out.put("goalsNotEvaluated", p.notEvaluated());
        out.put("goalsNotMet", p.goals().stream().filter(g -> !g.metAfter() && !p.notEvaluated().contains(g.goal()))
                .map(g -> g.goal() + ": " + g.detail()).toList());
        return out;
    }

    /** Each broker's load before and after, keyed as Strimzi's before/after ConfigMap keys them. */
    static Map<String, Map<String, Map<String, Double>>> brokerLoad(Proposal p) {
        Map<String, Map<String, Map<String, Double>>> out = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
        for (int i = 0; i < p.after().size(); i++) {
            Proposal.BrokerLoad b = p.before().get(i);
            Proposal.BrokerLoad a = p.after().get(i);
            Map<String, Map<String, Double>> m = new LinkedHashMap<>();
            m.put("leaders", change(b.leaders(), a.leaders()));
            m.put("replicas", change(b.replicas(), a.replicas()));
            m.put("diskUsedMB", change(b.diskBytes() / 1048576.0, a.diskBytes() / 1048576.0));
            m.put("diskUsedPercentage", change(b.diskPercent(), a.diskPercent()));
            m.put("leaderNetworkInboundRate", change(b.leaderBytesInPerSecond() / 1024, a.leaderBytesInPerSecond() / 1024));
            m.put("followerNetworkInboundRate", change((b.networkInBytesPerSecond() - b.leaderBytesInPerSecond()) / 1024,
                    (a.networkInBytesPerSecond() - a.leaderBytesInPerSecond()) / 1024));
            m.put("networkOutRate", change(b.networkOutBytesPerSecond() / 1024, a.networkOutBytesPerSecond() / 1024));
            out.put(String.valueOf(a.broker()), m);
        }
        return out;
    }

    private static Map<String, Double> change(double before, double after) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("before", round(before));
        m.put("after", round(after));
        m.put("diff", round(after - before));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
