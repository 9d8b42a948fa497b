package io.keks.local;

import io.keks.engine.ClusterMemory;
import io.keks.engine.ClusterObserver;
import io.keks.engine.DiskUse;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.UnsafeChangeException;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.security.CertificatePlan;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.ClusterCertificates;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.NodeAddressing;
import io.keks.model.ServerProperties;
import io.keks.model.VolumeSpec;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * A Kafka cluster on this machine: the desired state read from its stored manifests, its
 * remembered state, and the node processes. Created by {@link #apply} (new or changed manifests)
 * or {@link #open} (what was applied before).
 */
public final class LocalCluster {
    private final ClusterHome home;
    private final Path dir;
    private final ClusterState state;
    private final DesiredCluster desired;
    private final List<Problem> warnings;
    private final LocalAddressing addressing;
    final Path libDir;
    private final Path metricsJars;
    private final NodeProcesses processes;
    private final Optional<String> storePassword;
    private final LocalConnections connections;
    private final NodeFiles nodeFiles;
    /**
     * The KafkaTopics (metadata.name) that the apply which made this object gave keks for the first time:
     * their topics are created without being described first. Empty for a cluster opened.
     */
    Set<String> firstApplied = Set.of();

    /**
     * Options of {@code up} and {@code apply}.
     *
     * @param portShift    null: the cluster's own (0 for a new one)
     * @param maxHeapBytes null: what the cluster was started with (512m for a new one), so an apply never changes it
     */
    public record Options(Integer portShift, Long maxHeapBytes, Path kafkaBundle) {
        public static Options defaults() {
            return new Options(null, null, bundleFromSystem());
        }

        public static Path bundleFromSystem() {
            String p = System.getProperty("keks.kafka.bundle", System.getenv("KEKS_KAFKA_BUNDLE"));
            return p == null || p.isBlank() ? null : Path.of(p);
        }
    }

    /**
     * Validates {@code manifests}, stores them and prepares every node (configuration, certificates,
     * storage formatted once): the engine's pass in its PREPARE mode, which ends before Kafka is asked
     * anything but whether the change is safe. A refused change throws {@link UnsafeChangeException}.
     */
    public static LocalCluster apply(ClusterHome home, Manifests manifests, Options options, Progress progress) throws IOException {
        LocalClusterRuntime runtime = LocalClusterRuntime.of(home, manifests, options, progress);
        Reconciliation.Outcome o;
        try {
            o = Reconciliation.run(runtime, Reconciliation.Mode.PREPARE, false, progress::step);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        if (o.ending() == Reconciliation.Ending.REFUSED) {
            throw new UnsafeChangeException(o.refused());
        }
        return runtime.cluster();
    }

    /** A cluster prepared by {@link LocalClusterRuntime}: its state, the manifests applied, and where its Kafka lives. */
    static LocalCluster of(ClusterHome home, ClusterState state, DesiredCluster desired, List<Problem> warnings, Path libDir,
                           Path metricsJars) throws IOException {
        return new LocalCluster(home, state, desired, warnings, libDir, metricsJars);
    }

    /** @param metricsJars the JMX exporter agent jar, or the directory of the metrics reporter's jars; null when the manifests ask for no metrics */
    private LocalCluster(ClusterHome home, ClusterState state, DesiredCluster desired, List<Problem> warnings,
                         Path libDir, Path metricsJars) throws IOException {
        this.home = home;
        this.dir = home.cluster(state.name());
        this.state = state;
        this.desired = desired;
        this.warnings = warnings;
        this.libDir = libDir;
        this.metricsJars = metricsJars;
        this.storePassword = LocalConnections.storePassword(dir, desired, internalTls());
        this.addressing = new LocalAddressing(dir, state.portShift(),
                storePassword.map(pw -> new NodeAddressing.KeyStoreFiles(null, pw)), internalTls());
        this.processes = new NodeProcesses(addressing, libDir, desired.version(), home.cdsCache(),
                desired.metricsSpec().map(m -> NodeProcesses.Metrics.of(m, metricsJars, NodeFiles.metricsRulesFile(dir))));
        this.connections = new LocalConnections(dir, desired, addressing, storePassword);
        this.nodeFiles = new NodeFiles(dir, desired, state, addressing, processes);
    }

    static long maxHeapOf(Path dir) {
        try {
            Path f = dir.resolve("max-heap");
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : ClusterModel.Options.defaults().maxHeapBytes();
        } catch (IOException | NumberFormatException e) {
            return ClusterModel.Options.defaults().maxHeapBytes();
        }
    }

    /** The cluster as last applied. */
    public static LocalCluster open(ClusterHome home, String name) throws IOException {
        return open(home, name, null);
    }

    /** The cluster as last applied, from its stored manifests when already read ({@code stored}), else read here. */
    static LocalCluster open(ClusterHome home, String name, Manifests stored) throws IOException {
        Path dir = home.cluster(name);
        if (!Files.exists(dir.resolve("state.json"))) {
            throw new IllegalStateException("no cluster " + name + " in " + home.root() + "; start one with `keks up`");
        }
        ClusterState st = ClusterState.read(dir.resolve("state.json"));
        ClusterModel.Result model = ClusterModel.build(stored != null ? stored : StoredManifests.read(dir),
                LocalClusterRuntime.modelOptions(st.poolIds(), maxHeapOf(dir)).withStoredKafkaTopics());
        KafkaDistributions distributions = new KafkaDistributions(Options.bundleFromSystem(), home.kafkaCache(), m -> { });
        Path libDir = distributions.libDir(model.cluster().version());
        return new LocalCluster(home, st, model.cluster(), model.warnings(), libDir,
                distributions.metricsJars(model.cluster().metricsSpec()));
    }

    /**
     * Whether the internal listeners run mutual TLS: always in a secured cluster, and by default in
     * every cluster made since keks does it (see {@link ClusterState#internalTls()}).
     */
    public boolean internalTls() {
        return state.memory().internalTls(desired);
    }

    /** Whether this cluster keeps key and trust stores: it has a TLS listener, internal TLS or authentication. */
    boolean keepsStores() {
        return storePassword.isPresent();
    }

    /** Where this cluster's CAs and certificates are kept; only a cluster with stores (a store password) has one. */
    FileCertificateStore certificateStore() throws IOException {
        return new FileCertificateStore(dir, addressing, this::nodeName, storePassword.orElseThrow(() -> new IllegalStateException(
                "cluster " + desired.name() + " has no TLS listener and no authentication, so it keeps no certificates")), internalTls());
    }

    /**
     * The certificates step of the engine: the CAs and certificates that are missing or due are made,
     * and the cluster CA renewed now with {@code renewClusterCa} ({@code keks roll --renew-ca}).
     */
    public CertificatePlan reconcileCertificates(boolean renewClusterCa, Progress progress) throws IOException {
        if (storePassword.isEmpty()) {
            if (renewClusterCa) {
                throw new IllegalStateException("cluster " + desired.name() + " has no CA: it has no TLS listener and no"
                        + " authentication, so there is no certificate to renew");
            }
            return new CertificatePlan(CertificatePlan.CaAction.NONE, CertificatePlan.CaAction.NONE, Map.of(), Map.of());
        }
        return ClusterCertificates.reconcile(desired, internalTls(), renewClusterCa, certificateStore(), progress::step);
    }

    /** The clients CA, to sign KafkaUsers' certificates with (made by {@link #reconcileCertificates} when needed). */
    public ClusterCa clientsCa() throws IOException {
        return certificateStore().clientsCa();
    }

    /** The URL of node {@code id}'s Prometheus endpoint, when the manifests ask for metrics. */
    public Optional<String> metricsUrl(int id) {
        return desired.metricsSpec().map(m -> "http://" + LocalAddressing.HOST + ":" + addressing.metricsPort(id) + "/metrics");
    }

    /** The URL of the consumer-lag exporter, when the manifests ask for it. */
    public Optional<String> exporterUrl() {
        return desired.exporterSpec().map(e -> "http://" + LocalAddressing.HOST + ":" + addressing.exporterPort() + "/metrics");
    }

    /** The URL of the dashboard page the supervisor serves ({@code keks dashboard}). */
    public String dashboardUrl() {
        return "http://" + LocalAddressing.HOST + ":" + addressing.dashboardPort() + "/";
    }

    /** Formats the storage of nodes that have never been formatted, in this JVM. */
    LocalCluster formatNew(Progress progress) throws IOException {
        ClusterMemory memory = state.memory();
        List<DesiredNode> todo = desired.nodes().stream().filter(n -> !memory.formatted().containsKey(n.id())).toList();
        if (todo.isEmpty()) {
            return this;
        }
        progress.step("formatting storage of " + todo.size() + " node(s)");
        Map<Integer, String> formatted = new LinkedHashMap<>(memory.formatted());
        try (StorageFormatter formatter = new StorageFormatter(libDir)) {
            for (DesiredNode node : todo) {
                List<String> args = new ArrayList<>(memory.formatArgs(desired, node,
                        c -> LocalAddressing.HOST + ":" + addressing.port(c, ListenerSpec.CONTROLPLANE)));
                args.add("--ignore-formatted");
                formatter.format(processes.configFile(node.id()), memory.clusterId(), args);
                formatted.put(node.id(), desired.version().toString());
            }
        }
        ClusterState st = state.withMemory(memory.withFormatted(formatted));
        st.write(dir.resolve("state.json"));
        return new LocalCluster(home, st, desired, warnings, libDir, metricsJars);
    }

    /** The manifests this cluster was last given, read again from where they are stored. */
    public Manifests storedManifests() {
        return StoredManifests.read(dir);
    }

    public DesiredCluster desired() {
        return desired;
    }

    /**
     * Refuses to start a cluster whose formatted node lost its meta.properties or holds a damaged one: Kafka would
     * not start it, and keks never formats a node that holds data again. The message says what the file must hold.
     */
    void checkFormattedNodes() {
        ClusterMemory m = state.memory();
        for (DesiredNode n : desired.nodes()) {
            if (!m.formatted().containsKey(n.id())) {
                continue;
            }
            for (VolumeSpec v : n.isBroker() ? n.volumes() : List.of(n.metadataVolume())) {
                Path meta = Path.of(ServerProperties.logDir(addressing.volumeDir(n.id(), v).toString(), n), "meta.properties");
                boolean metadata = v.equals(n.metadataVolume());
                // the initial controllers' metadata directories were formatted with the ids keks chose (the quorum's
                // voters name them); other directories got ids of Kafka's choosing
                String directoryId = metadata && m.initialControllers().contains(n.id()) ? m.directoryIds().get(n.id()) : null;
                String wrong = metaPropertiesProblem(meta, m.clusterId(), n.id(), directoryId);
                if (wrong != null) {
                    throw new DamagedFileException(meta, "the identity of " + nodeName(n) + "'s log directory, which Kafka checks"
                            + " at every start", wrong, "restore it from a backup, or write it again with the lines version=1,"
                            + " cluster.id=" + m.clusterId() + ", node.id=" + n.id() + " and directory.id="
                            + (directoryId != null ? directoryId : "<a new id: kafka-storage.sh random-uuid>")
                            + "; keks never formats a node that holds data again");
                }
            }
        }
    }

    /**
     * The Kafka process of the node in {@code nodeDir}, found from its files alone, for a command that cannot read
     * the cluster's state: only a live process its pid file names that was started with the node's config.
     */
    public static Optional<ProcessHandle> nodeProcessWithoutState(Path nodeDir) {
        return NodeProcesses.running(nodeDir, false);
    }

    /** What is wrong with a node directory's meta.properties; null when nothing is. */
    static String metaPropertiesProblem(Path meta, String clusterId, int nodeId, String directoryId) {
        if (!Files.exists(meta)) {
            return "it is missing";
        }
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(meta)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return "it is not a properties file: " + e.getMessage();
        }
        if (!clusterId.equals(p.getProperty("cluster.id"))) {
            return p.getProperty("cluster.id") == null ? "cluster.id is missing"
                    : "cluster.id is " + p.getProperty("cluster.id") + ", the cluster's is " + clusterId;
        }
        if (!String.valueOf(nodeId).equals(p.getProperty("node.id"))) {
            return p.getProperty("node.id") == null ? "node.id is missing" : "node.id is " + p.getProperty("node.id") + ", not " + nodeId;
        }
        if (p.getProperty("version") == null || p.getProperty("directory.id") == null) {
            return (p.getProperty("version") == null ? "version" : "directory.id") + " is missing";
        }
        if (directoryId != null && !directoryId.equals(p.getProperty("directory.id"))) {
            return "directory.id is " + p.getProperty("directory.id") + ", keks formatted it as " + directoryId;
        }
        return null;
    }

    public ClusterState state() {
        return state;
    }

    public List<Problem> warnings() {
        return warnings;
    }

    public Path dir() {
        return dir;
    }

    public ClusterHome home() {
        return home;
    }

    public LocalAddressing addressing() {
        return addressing;
    }

    /**
     * A volume of {@code n} on a filesystem too full to start it on ({@link DiskUse#REFUSE_START_PERCENT}), as the
     * operating system says; empty when every volume has room or the filesystem cannot be read.
     */
    public Optional<DiskUse> fullVolume(DesiredNode n) {
        try {
            return LocalClusterRuntime.volumeUse(addressing, n).stream().filter(d -> d.percentUsed() >= DiskUse.REFUSE_START_PERCENT)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** How clients and keks reach this cluster: bootstrap addresses, client properties, Admin clients. */
    public LocalConnections connections() {
        return connections;
    }

    /** What keks wrote for each node and what each recorded at its last start. */
    NodeFiles nodeFiles() {
        return nodeFiles;
    }

    /** The ports this cluster's nodes listen on, for the checks before a start. */
    public ClusterPorts ports() {
        return new ClusterPorts(desired, addressing, id -> processes.find(id).isPresent());
    }

    /** This cluster's KafkaTopics in Kafka and in topics.json. */
    LocalTopics topics() {
        return new LocalTopics(dir, desired, connections, firstApplied, this::anyNodeRunning);
    }

    /** An Admin client for keks' own calls ({@link LocalConnections#admin()}). The caller closes it. */
    public Admin admin() throws IOException {
        return connections.admin();
    }

    /** Client properties for a listener (null: the first) as KafkaUser {@code user} (null: none). */
    public Properties clientProperties(String listenerName, String user) throws IOException {
        return connections.clientProperties(listenerName, user);
    }

    /** The Kafka version node {@code id} last started with, if it ever started. */
    public Optional<String> runningVersion(int id) {
        return nodeFiles.runningVersion(id);
    }

    /** The nodes that exist, as the engine sees them ({@link NodeFiles#image}); {@code admin} null: Kafka not asked. */
    public ClusterImage image(Admin admin) throws Exception {
        return nodeFiles.image(admin);
    }

    /**
     * Deletes a KafkaTopic and, as keks' finalizer does on Kubernetes, its Kafka topic when it may
     * ({@link LocalTopics#delete}).
     *
     * @return what happened, as a line for the user
     */
    public String deleteTopic(String resourceName) throws IOException, InterruptedException {
        return topics().delete(resourceName);
    }

    public String nodeName(DesiredNode node) {
        return desired.name() + "-" + node.pool() + "-" + node.id();
    }

    public Path logFile(int id) {
        return processes.logFile(id);
    }

    public Optional<ProcessHandle> process(int id) {
        return processes.find(id);
    }

    /** Whether a node of this cluster runs: a desired one, or one the pools dropped that still has storage. */
    public boolean anyNodeRunning() {
        return Stream.concat(desired.nodes().stream().map(DesiredNode::id), state.memory().formatted().keySet().stream())
                .anyMatch(id -> processes.find(id).isPresent());
    }

    /** Starts one node's JVM. The lowest broker trains the class archive while there is none. */
    public ProcessHandle start(DesiredNode node) throws IOException {
        int trainer = desired.brokers().stream().mapToInt(DesiredNode::id).min().orElse(-1);
        return processes.start(node, node.id() == trainer);
    }

    /** Stops one node (SIGTERM: a broker's controlled shutdown), killing it after {@code grace}. */
    public void stop(DesiredNode node, Duration grace) {
        processes.stop(node.id(), grace);
    }

    /** Deletes a node that left the cluster: its data and files go, and state.json no longer lists it. */
    public void deleteNode(int id) throws IOException {
        Path stateFile = dir.resolve("state.json");
        ClusterState st = ClusterState.read(stateFile);
        Map<Integer, String> pools = new TreeMap<>(st.nodePools());
        pools.remove(id);
        st.withMemory(st.memory().without(id)).withNodePools(pools).write(stateFile);
        Path nodeDir = addressing.nodeDir(id);
        if (Files.exists(nodeDir)) {
            try (var files = Files.walk(nodeDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Stops every node, brokers first: a broker shutting down needs the controllers to hand off its leaders. */
    public void stopAll(Duration grace, Progress progress) {
        List<DesiredNode> nodes = existingNodes();
        stopInParallel(nodes.stream().filter(n -> !n.isController()).toList(), grace, progress);
        stopInParallel(nodes.stream().filter(DesiredNode::isController).toList(), grace, progress);
    }

    /** The desired nodes and those the pools dropped that still have storage (a broker being drained). */
    private List<DesiredNode> existingNodes() {
        List<DesiredNode> nodes = new ArrayList<>(desired.nodes());
        try {
            image(null).nodes().values().stream().filter(n -> nodes.stream().noneMatch(d -> d.id() == n.id()))
                    .forEach(n -> nodes.add(n.asDesiredNode()));
        } catch (Exception e) {
            // unreadable node files: the desired nodes are still known
        }
        return nodes;
    }

    private void stopInParallel(List<DesiredNode> nodes, Duration grace, Progress progress) {
        List<Thread> threads = new ArrayList<>();
        for (DesiredNode n : nodes) {
            if (processes.find(n.id()).isEmpty()) {
                continue;
            }
            progress.step("stopping " + nodeName(n));
            threads.add(Thread.ofVirtual().start(() -> processes.stop(n.id(), grace)));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether every desired broker serves and every controller votes in a quorum with a leader. */
    public boolean isReady(ObservedCluster o) {
        return isStarted(o) && desired.controllers().stream().allMatch(c -> o.voters().contains(c.id()));
    }

    /**
     * Whether the nodes started as far as a start can take them: ready, but a controller may follow the
     * quorum without voting yet. That is one a change left before adding it, which the change of nodes that
     * follows the start adds.
     */
    public boolean isStarted(ObservedCluster o) {
        return o.quorumLeader().isPresent()
                && desired.brokers().stream().allMatch(b -> o.brokerServing(b.id()))
                && desired.controllers().stream().allMatch(c -> o.voters().contains(c.id()) || o.observers().contains(c.id()));
    }

    public ObservedCluster observe(Admin admin, long timeoutMs) throws Exception {
        return new ClusterObserver(admin, timeoutMs).observe();
    }

    private ConfigModes configModes;

    synchronized ConfigModes configModes() throws IOException {
        if (configModes == null) {
            configModes = KafkaConfigModes.load(libDir, desired.version().toString());
        }
        return configModes;
    }
}
