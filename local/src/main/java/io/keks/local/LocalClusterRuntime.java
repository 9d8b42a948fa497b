package io.keks.local;

import io.keks.engine.ClusterMemory;
import io.keks.engine.DiskUse;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.MetadataVersions;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.reconcile.ClusterRuntime;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.security.CertificateStore;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.user.UserReconciler;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.MetricsSpec;
import io.keks.model.TopicModel;
import io.keks.model.VolumeSpec;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * A local cluster as the engine's {@link Reconciliation} sees it: the facts from the cluster's home
 * (state.json, the manifests stored, the node processes) and the manifests given now, and the effects
 * on this machine (files written, storage formatted, processes started, changes handed to the
 * supervisor). {@code keks up}, {@code keks apply} and the supervisor each run the engine's steps
 * over it; the order and the rules are the engine's.
 */
public final class LocalClusterRuntime implements ClusterRuntime {

    /** Starts the nodes that do not run ({@code keks up} does it through the supervisor it runs or starts). */
    public interface NodeStarter {
        void start(LocalCluster cluster) throws Exception;
    }

    /** Carries out a change of nodes: the CLI hands it to the cluster's supervisor and follows it; the supervisor makes it. */
    public interface NodeChanges {
        void change(LocalCluster cluster, ClusterDelta delta, Admin admin) throws Exception;
    }

    /** How the KafkaTopics are reconciled in the pass. */
    public record Topics(long throttleBytesPerSecond, Duration timeout, Consumer<String> lines) {
    }

    private final ClusterHome home;
    private final String name;
    private final Manifests incoming;
    private final LocalCluster.Options options;
    private final Progress progress;
    private NodeStarter starter = c -> {
        throw new IllegalStateException("this pass starts no node");
    };
    private NodeChanges changes = (c, d, a) -> {
        throw new IllegalStateException("this pass makes no change of nodes");
    };
    private Optional<Topics> topics = Optional.empty();
    private Consumer<List<Problem>> warned = w -> { };
    private Duration readyTimeout = Duration.ofSeconds(180);
    private Set<Integer> manual = Set.of();
    /** The directory this pass made for the cluster (null when it existed), and whether the pass started a node. */
    private Path madeHere;
    private boolean started;

    private Optional<ClusterState> previous = Optional.empty();
    private Manifests stored = Manifests.empty();
    private Manifests combined;
    private Optional<String> deletedPool = Optional.empty();
    private List<Problem> warnings = List.of();
    private KafkaDistributions distributions;
    private Path libDir;
    private Path metricsJars;
    private LocalCluster last;
    private LocalCluster cluster;
    private long maxHeap;
    private boolean manifestsStored;
    private LocalUsers.Reconciled users;

    private LocalClusterRuntime(ClusterHome home, String name, Manifests incoming, LocalCluster.Options options, Progress progress) {
        this.home = home;
        this.name = name;
        this.incoming = incoming;
        this.options = options;
        this.progress = progress;
    }

    /** A pass with the manifests given now, for the cluster they name (or the only one of the home when they name none). */
    public static LocalClusterRuntime of(ClusterHome home, Manifests manifests, LocalCluster.Options options, Progress progress)
            throws IOException {
        if (manifests.hasErrors()) {
            throw new ManifestException(manifests.problems());
        }
        String name = manifests.kafkas().isEmpty()
                ? home.onlyCluster().orElseThrow(() -> new ManifestException(List.of(Problem.error("manifests", 0, "",
                "no Kafka resource in these manifests and no single cluster in " + home.root()
                        + " to apply them to; include the Kafka manifest"))))
                : manifests.kafkas().get(0).resource().getMetadata().getName();
        return new LocalClusterRuntime(home, name, manifests, options, progress);
    }

    /** A pass over cluster {@code name} with the manifests it was last given (bringing it back). */
    public static LocalClusterRuntime resume(ClusterHome home, String name, LocalCluster.Options options, Progress progress) {
        if (!Files.exists(home.cluster(name).resolve("state.json"))) {
            throw new IllegalStateException("no cluster " + name + " in " + home.root() + "; start one with `keks up -f FILE|DIR`");
        }
        return new LocalClusterRuntime(home, name, Manifests.empty(), options, progress);
    }

    /** The change-of-nodes step over a cluster as last applied (the supervisor's part of a pass). */
    public static LocalClusterRuntime over(LocalCluster applied, Set<Integer> manual, NodeChanges changes) {
        LocalClusterRuntime r = new LocalClusterRuntime(applied.home(), applied.desired().name(), Manifests.empty(),
                LocalCluster.Options.defaults(), Progress.SILENT);
        r.cluster = applied;
        r.manual = Set.copyOf(manual);
        r.changes = changes;
        return r;
    }

    public LocalClusterRuntime starting(NodeStarter starter, Duration readyTimeout) {
        this.starter = starter;
        this.readyTimeout = readyTimeout;
        return this;
    }

    public LocalClusterRuntime changing(NodeChanges changes) {
        this.changes = changes;
        return this;
    }

    /** Hears of the model's warnings as soon as the manifests are read. */
    public LocalClusterRuntime warning(Consumer<List<Problem>> warned) {
        this.warned = warned;
        return this;
    }

    public LocalClusterRuntime withTopics(Topics topics) {
        this.topics = Optional.of(topics);
        return this;
    }

    /**
     * A pass without the KafkaNodePool {@code pool} (as {@code kubectl delete kafkanodepool} leaves the operator): its
     * nodes leave the cluster the way a smaller pool's do, and it is no longer stored.
     */
    public LocalClusterRuntime withoutNodePool(String pool) {
        this.deletedPool = Optional.of(pool);
        return this;
    }

    /** The cluster as the pass prepared it (what {@code keks status} and the other commands then open). */
    public LocalCluster cluster() {
        return cluster;
    }

    /** What the model warned about the manifests. */
    public List<Problem> warnings() {
        return warnings;
    }

    /** The KafkaUsers as the pass left them; empty when the cluster has none or the pass did not get there. */
    public Optional<LocalUsers.Reconciled> users() {
        return Optional.ofNullable(users);
    }

    /**
     * Undoes what a pass that failed wrote for a cluster that did not exist before it, so that KEKS_HOME is as it was: the
     * cluster's directory (state, CA, stored manifests, formatted nodes) goes, when the pass made that directory and
     * started no node. A cluster that existed, or whose nodes were started, is left for `keks status` to explain.
     */
    public void discardIfNew() throws IOException {
        Path dir = home.cluster(name);
        if (madeHere != null && !started && Files.exists(dir) && !NodeProcesses.anyRunning(dir)) {
            KafkaDistributions.deleteTree(madeHere);
        }
    }

    @Override
    public Facts facts() throws IOException {
        Path dir = home.cluster(name);
        // the highest directory of the cluster's path that this pass will make (the cluster's own, or the one holding clusters)
        madeHere = null;
        for (Path p = dir; p != null && !p.equals(home.root()) && !Files.exists(p); p = p.getParent()) {
            madeHere = p;
        }
        previous = Files.exists(dir.resolve("state.json")) ? Optional.of(ClusterState.read(dir.resolve("state.json"))) : Optional.empty();
        for (String other : home.clusterNames()) {
            if (!other.equals(name) && LocalCluster.open(home, other).anyNodeRunning()) {
                throw new IllegalStateException("cluster " + other + " is running in " + home.root()
                        + "; stop it with `keks down` or use another KEKS_HOME for " + name);
            }
        }
        // the stored manifests are read once (10,000 KafkaTopics take seconds to parse): merged with these, and as the running cluster
        stored = previous.isPresent() ? StoredManifests.read(dir) : Manifests.empty();
        combined = previous.isPresent() ? ManifestMerge.merge(stored, incoming) : incoming;
        if (deletedPool.isPresent()) {
            String pool = deletedPool.get();
            if (!combined.nodePools().removeIf(p -> p.resource().getMetadata().getName().equals(pool))) {
                throw new IllegalArgumentException("no KafkaNodePool " + pool + " in cluster " + name
                        + "; `keks get kafkanodepools` lists them");
            }
        }
        maxHeap = options.maxHeapBytes() != null ? options.maxHeapBytes() : LocalCluster.maxHeapOf(dir);
        distributions = new KafkaDistributions(options.kafkaBundle(), home.kafkaCache(), progress::step);
        // config values are checked against the wanted Kafka version's own definitions, fetched first if need be
        ClusterModel.Options modelOptions = modelOptions(previous.map(ClusterState::poolIds).orElse(Map.of()), maxHeap)
                .withConfigRules(KafkaConfigRulesFromJars.of(distributions));
        if (previous.isPresent()) {
            // the KafkaTopics given now follow the naming rules; those stored by an earlier keks are read as they were
            // accepted, and one given now for a topic a stored one names is told ResourceConflict by the topics step
            List<Problem> naming = TopicModel.namingProblems(incoming.topics(), new HashSet<>());
            if (!naming.isEmpty()) {
                throw new ManifestException(naming);
            }
            modelOptions = modelOptions.withStoredKafkaTopics();
        }
        ClusterModel.Result model = ClusterModel.build(combined, modelOptions);
        warnings = model.warnings();
        warned.accept(warnings);
        DesiredCluster wanted = model.cluster();
        libDir = distributions.libDir(wanted.version());
        requireMetricsRules(wanted);
        int shift = previous.map(ClusterState::portShift).orElse(options.portShift() == null ? 0 : options.portShift());
        List<String> clashes = new LocalAddressing(dir, shift, Optional.empty(), false).portClashes(wanted);
        if (!clashes.isEmpty()) {
            throw new ManifestException(clashes.stream().map(c -> Problem.error("manifests", 0, "spec.kafka.listeners", c)).toList());
        }
        metricsJars = distributions.metricsJars(wanted.metricsSpec());
        if (previous.isPresent() && options.portShift() != null && options.portShift() != previous.get().portShift()) {
            throw new IllegalStateException("cluster " + name + " was created with --port-shift " + previous.get().portShift()
                    + "; ports cannot change on an existing cluster (keks down --delete-data starts over)");
        }
        last = previous.isPresent() ? LocalCluster.open(home, name, stored) : null;
        ClusterMemory memory = previous.map(ClusterState::memory).orElseGet(() -> ClusterMemory.newCluster(wanted));
        return new Facts(wanted, Optional.ofNullable(last).map(LocalCluster::desired), memory, last != null && last.anyNodeRunning());
    }

    /** The filesystem under each volume of the nodes, read where the volume is or, before it exists, where it will be. */
    @Override
    public List<DiskUse> volumesBeforeStart(List<DesiredNode> nodes) throws IOException {
        LocalAddressing at = new LocalAddressing(home.cluster(name), 0, Optional.empty(), false);
        List<DiskUse> out = new ArrayList<>();
        for (DesiredNode n : nodes) {
            out.addAll(volumeUse(at, n));
        }
        return out;
    }

    /** How the manifests are read here: with the heap cap, and every node on this machine's cores. */
    static ClusterModel.Options modelOptions(Map<String, List<Integer>> poolIds, long maxHeap) {
        return new ClusterModel.Options(poolIds, maxHeap).withSharedCores(Runtime.getRuntime().availableProcessors());
    }

    /**
     * How full the filesystem under each of a node's volumes is (the nearest existing directory's, for a volume not
     * made yet), as the operating system says: for a node that does not run, which Kafka cannot be asked about.
     */
    static List<DiskUse> volumeUse(LocalAddressing at, DesiredNode n) throws IOException {
        List<DiskUse> out = new ArrayList<>();
        for (VolumeSpec v : n.volumes()) {
            Path dir = at.volumeDir(n.id(), v);
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                FileStore store = Files.getFileStore(existing);
                out.add(new DiskUse(n.id(), dir.toString(), store.getTotalSpace(), store.getUsableSpace(), null));
            }
        }
        return out;
    }

    /** What metricsConfig needs locally, checked before anything of an apply is stored: its rules. */
    private static void requireMetricsRules(DesiredCluster desired) {
        if (desired.metricsSpec().isEmpty() || !desired.metricsSpec().get().agent()) {
            return;
        }
        MetricsSpec m = desired.metricsSpec().get();
        if (m.rules() == null) {
            throw new ManifestException(List.of(Problem.error("manifests", 0, "spec.kafka.metricsConfig", "ConfigMap "
                    + m.configMap() + " is not in the manifests given; apply it with the Kafka (a v1 ConfigMap with key "
                    + m.key() + "; examples/kafka-manifests/kafka-metrics.yaml holds keks' default rules), or remove metricsConfig")));
        }
    }

    @Override
    public Admin admin() throws IOException {
        return (cluster != null ? cluster : last).admin();
    }

    @Override
    public MetadataVersions metadataVersions(KafkaVersion version) {
        try {
            if (distributions == null) {
                // the supervisor's change of nodes reads no facts: the versions come from where every local cluster's do
                distributions = new KafkaDistributions(options.kafkaBundle(), home.kafkaCache(), progress::step);
            }
            return KafkaMetadataVersions.load(distributions.libDir(version), version.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void refused(List<String> reasons) throws IOException {
        new RefusedChange(System.currentTimeMillis(), reasons).write(home.cluster(name));
    }

    /** state.json with the memory, the max heap, and (once) the manifests given now beside the stored ones. */
    @Override
    public void remember(DesiredCluster applied, ClusterMemory memory, boolean refusedChange) throws IOException {
        Path dir = home.cluster(name);
        ClusterState st = cluster != null ? cluster.state() : previous.orElseGet(() -> new ClusterState(name, applied.namespace(),
                options.portShift() == null ? 0 : options.portShift(), applied.version().toString(), Map.of(), System.currentTimeMillis(),
                Map.of(), memory));
        Map<Integer, String> pools = new TreeMap<>(st.nodePools());
        applied.nodes().forEach(n -> pools.put(n.id(), n.pool()));
        st = st.withMemory(memory).withPoolIds(applied.poolIds()).withNodePools(pools).withKafkaVersion(applied.version().toString());
        Files.createDirectories(dir);
        st.write(dir.resolve("state.json"));
        if (!manifestsStored) {
            Files.writeString(dir.resolve("max-heap"), maxHeap + "\n");
            StoredManifests.store(dir, incoming, combined.topics());
            if (deletedPool.isPresent()) {
                StoredManifests.delete(dir, "KafkaNodePool", deletedPool.get());
            }
            RefusedChange.clear(dir);
            manifestsStored = true;
        }
        Set<String> firstApplied = cluster != null ? cluster.firstApplied : newTopics();
        cluster = LocalCluster.of(home, st, applied, warnings, libDir, metricsJars);
        cluster.firstApplied = firstApplied;
    }

    /** The KafkaTopics applied now that the cluster did not have: created without a describe first. */
    private Set<String> newTopics() {
        Set<String> before = stored.topics().stream().map(t -> t.resource().getMetadata().getName()).collect(Collectors.toSet());
        return incoming.topics().stream().map(t -> t.resource().getMetadata().getName()).filter(n -> !before.contains(n))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Optional<CertificateStore> certificates(DesiredCluster applied, ClusterMemory memory) throws IOException {
        return cluster.keepsStores() ? Optional.of(cluster.certificateStore()) : Optional.empty();
    }

    @Override
    public void writeNodeDefinitions(DesiredCluster applied, ClusterMemory memory) throws IOException {
        cluster.nodeFiles().write();
        cluster.connections().writeClientFiles();
    }

    @Override
    public Created createMissingNodes(DesiredCluster applied, ClusterMemory memory, boolean startStopped) throws Exception {
        Set<String> firstApplied = cluster.firstApplied;
        cluster = cluster.formatNew(progress);
        cluster.firstApplied = firstApplied;
        if (startStopped) {
            // here, in the command, not in the supervisor it may start: a node Kafka would not start is refused with its file
            cluster.checkFormattedNodes();
            started = true;
            starter.start(cluster);
        }
        return new Created(cluster.state().memory(), previous.isEmpty());
    }

    @Override
    public Optional<ObservedCluster> observe(DesiredCluster applied, Admin admin, boolean untilReady) throws Exception {
        if (untilReady) {
            return Optional.of(Readiness.await(cluster, readyTimeout, progress));
        }
        try {
            return Optional.of(cluster.observe(admin, 10_000));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    /** From the running version's own config definitions (in its jars): which configs change live. */
    @Override
    public ConfigModes configModes(Admin admin, ObservedCluster observed) throws IOException {
        return cluster.configModes();
    }

    @Override
    public Map<String, String> runningConfig(DesiredCluster applied, ObservedCluster observed) throws IOException {
        int broker = applied.brokers().stream().map(DesiredNode::id).filter(observed::brokerServing).findFirst()
                .orElse(applied.brokers().get(0).id());
        return cluster.nodeFiles().runningConfig(broker);
    }

    @Override
    public Map<Integer, Map<String, String>> desiredConfigs(DesiredCluster applied) throws IOException {
        return cluster.nodeFiles().desiredConfigs();
    }

    @Override
    public ClusterImage image(Admin admin) throws Exception {
        return cluster.image(admin);
    }

    /** Hands the change to whoever makes it, then reads the cluster's memory as the change left it (nodes that left are gone). */
    @Override
    public ClusterMemory changeNodes(DesiredCluster applied, ClusterMemory memory, ClusterDelta delta, Admin admin) throws Exception {
        changes.change(cluster, delta, admin);
        return ClusterState.read(cluster.dir().resolve("state.json")).memory();
    }

    @Override
    public Optional<TopicReconciler.Result> reconcileTopics(DesiredCluster applied) throws Exception {
        if (topics.isEmpty() || applied.topics().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(cluster.topics().reconcile(topics.get().throttleBytesPerSecond(), topics.get().timeout(), topics.get().lines()));
    }

    @Override
    public Optional<UserReconciler.Result> reconcileUsers(DesiredCluster applied) throws Exception {
        if (applied.users().isEmpty()) {
            return Optional.empty();
        }
        users = LocalUsers.reconcile(cluster);
        return Optional.of(users.result());
    }

    @Override
    public Optional<RebalanceReconciler.Store> rebalances() {
        return Optional.of(new LocalRebalances(cluster.dir()));
    }

    @Override
    public Set<Integer> manualRestarts() {
        return manual;
    }
}
