package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.engine.AdminTimeouts;
import io.keks.engine.ClusterMemory;
import io.keks.engine.ClusterObserver;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.UnsafeChangeException;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.security.CertificatePlan;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.ClusterCertificates;
import io.keks.engine.security.Pem;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.topic.TopicStatus;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.DesiredTopic;
import io.keks.model.DesiredUser;
import io.keks.model.ExporterSpec;
import io.keks.model.ListenerSpec;
import io.keks.model.MetricsSpec;
import io.keks.model.NodeAddressing;
import io.keks.model.Role;
import io.keks.model.ServerProperties;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;

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
    private final Path metricsAgent;
    private final NodeProcesses processes;
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
                           Path metricsAgent) throws IOException {
        return new LocalCluster(home, state, desired, warnings, libDir, metricsAgent);
    }

    /** @param metricsAgent the JMX exporter agent jar; null when the manifests ask for no metrics */
    private LocalCluster(ClusterHome home, ClusterState state, DesiredCluster desired, List<Problem> warnings,
                         Path libDir, Path metricsAgent) throws IOException {
        this.home = home;
        this.dir = home.cluster(state.name());
        this.state = state;
        this.desired = desired;
        this.warnings = warnings;
        this.libDir = libDir;
        this.metricsAgent = metricsAgent;
        this.addressing = new LocalAddressing(dir, state.portShift(), storePassword()
                .map(pw -> new NodeAddressing.KeyStoreFiles(null, pw)), internalTls());
        this.processes = new NodeProcesses(addressing, libDir, desired.version(), home.cdsCache(),
                desired.metricsSpec().map(m -> new NodeProcesses.MetricsAgent(metricsAgent, metricsRulesFile(dir))));
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
                new ClusterModel.Options(st.poolIds(), maxHeapOf(dir)));
        KafkaDistributions distributions = new KafkaDistributions(Options.bundleFromSystem(), home.kafkaCache(), m -> { });
        Path libDir = distributions.libDir(model.cluster().version());
        return new LocalCluster(home, st, model.cluster(), model.warnings(), libDir,
                model.cluster().metricsSpec().isPresent() ? distributions.metricsAgent() : null);
    }

    /**
     * Whether the internal listeners run mutual TLS: always in a secured cluster, and by default in
     * every cluster made since keks does it (see {@link ClusterState#internalTls()}).
     */
    public boolean internalTls() {
        return state.memory().internalTls(desired);
    }

    Optional<String> storePassword() throws IOException {
        return keyStorePassword(dir, desired, internalTls());
    }

    private static Optional<String> keyStorePassword(Path dir, DesiredCluster desired, boolean internalTls) throws IOException {
        if (desired.listeners().stream().noneMatch(ListenerSpec::tls) && !internalTls && !desired.needsClientsCa()) {
            return Optional.empty();
        }
        Path file = dir.resolve("ca").resolve("store-password");
        if (!Files.exists(file)) {
            ClusterHome.writePrivate(file, ClusterCa.newPassword().getBytes(StandardCharsets.UTF_8));
        }
        String password = Files.readString(file).trim();
        Path forClients = storePasswordProperties(dir);
        if (!Files.exists(forClients)) {
            // the same password as a properties file, for clients to read through Kafka's FileConfigProvider
            ClusterHome.writePrivate(forClients, ("password=" + password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Optional.of(password);
    }

    /** Where this cluster's CAs and certificates are kept; only a cluster with stores (a store password) has one. */
    FileCertificateStore certificateStore() throws IOException {
        return new FileCertificateStore(dir, addressing, this::nodeName, storePassword().orElseThrow(() -> new IllegalStateException(
                "cluster " + desired.name() + " has no TLS listener and no authentication, so it keeps no certificates")), internalTls());
    }

    /**
     * The certificates step of the engine: the CAs and certificates that are missing or due are made,
     * and the cluster CA renewed now with {@code renewClusterCa} ({@code keks roll --renew-ca}).
     */
    public CertificatePlan reconcileCertificates(boolean renewClusterCa, Progress progress) throws IOException {
        if (storePassword().isEmpty()) {
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

    /** The key and trust stores' password as a properties file (key {@code password}), readable by its owner only. */
    public static Path storePasswordProperties(Path dir) {
        return dir.resolve("ca").resolve("store-password.properties");
    }

    static Path metricsRulesFile(Path dir) {
        return dir.resolve("conf").resolve("metrics-rules.yml");
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

    private static Path exporterFile(Path dir) {
        return dir.resolve("conf").resolve("exporter.json");
    }

    /** spec.kafkaExporter as last applied, for an exporter already running to pick up changed patterns. */
    public Optional<ExporterSpec> appliedExporterSpec() {
        try {
            Path f = exporterFile(dir);
            return Files.exists(f) ? Optional.of(new ObjectMapper().readValue(f.toFile(), ExporterSpec.class))
                    : Optional.empty();
        } catch (IOException e) {
            return desired.exporterSpec();
        }
    }

    private void writeExporterSpec() throws IOException {
        Path f = exporterFile(dir);
        if (desired.exporterSpec().isEmpty()) {
            Files.deleteIfExists(f);
            return;
        }
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        new ObjectMapper().writeValue(tmp.toFile(), desired.exporterSpec().get());
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeMetricsRules() throws IOException {
        Path rules = metricsRulesFile(dir);
        if (desired.metricsSpec().isEmpty()) {
            Files.deleteIfExists(rules);
            return;
        }
        MetricsSpec m = desired.metricsSpec().get();
        // written in place: the agent in a running node re-reads the file when it changes
        Files.createDirectories(rules.getParent());
        Path tmp = rules.resolveSibling(rules.getFileName() + ".tmp");
        Files.writeString(tmp, m.rules(), StandardCharsets.UTF_8);
        Files.move(tmp, rules, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void writeNodeFiles() throws IOException {
        writeMetricsRules();
        writeExporterSpec();
        for (DesiredNode node : desired.nodes()) {
            Files.createDirectories(addressing.nodeDir(node.id()));
            String text = ServerProperties.render(ServerProperties.of(desired, node, addressing),
                    "written by keks from the manifests of Kafka " + desired.name() + "; edits are overwritten");
            ClusterHome.writePrivate(processes.configFile(node.id()), text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Client properties for each listener under {@code clients/}, and the first listener's as
     * {@code client.properties}: any Kafka client can use them as they are, and {@code keks produce}
     * and {@code consume} read them instead of the manifests.
     */
    void writeClientFiles() throws IOException {
        for (ListenerSpec l : desired.listeners()) {
            if (l.authentication() != null) {
                // a client of this listener logs in as a KafkaUser: `keks credentials USER` gives its properties
                Files.deleteIfExists(clientFile(dir, l.name()));
                if (l == desired.listeners().get(0)) {
                    Files.deleteIfExists(clientFile(dir, null));
                }
                continue;
            }
            byte[] text = clientFileText(l);
            ClusterHome.writePrivate(clientFile(dir, l.name()), text);
            if (l == desired.listeners().get(0)) {
                ClusterHome.writePrivate(clientFile(dir, null), text);
            }
        }
    }

    private byte[] clientFileText(ListenerSpec l) throws IOException {
        StringBuilder sb = new StringBuilder("# Kafka client properties for listener " + l.name() + " of Kafka " + desired.name()
                + ", written by keks on apply; edits are overwritten\n");
        Properties p = clientProperties(l.name());
        new TreeSet<>(p.stringPropertyNames()).forEach(k -> sb.append(k).append('=').append(p.getProperty(k)).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The client properties file of a listener ({@code null}: the first listener) of the cluster in {@code dir}. */
    public static Path clientFile(Path dir, String listenerName) {
        return listenerName == null ? dir.resolve("client.properties") : dir.resolve("clients").resolve(listenerName + ".properties");
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
        return new LocalCluster(home, st, desired, warnings, libDir, metricsAgent);
    }

    /** The manifests this cluster was last given, read again from where they are stored. */
    public Manifests storedManifests() {
        return StoredManifests.read(dir);
    }

    public DesiredCluster desired() {
        return desired;
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

    public String nodeName(DesiredNode node) {
        return desired.name() + "-" + node.pool() + "-" + node.id();
    }

    public Path logFile(int id) {
        return processes.logFile(id);
    }

    public Optional<ProcessHandle> process(int id) {
        return processes.find(id);
    }

    /** The Kafka version node {@code id} last started with, if it ever started. */
    public Optional<String> runningVersion(int id) {
        try {
            Path f = processes.runningVersionFile(id);
            return Files.exists(f) ? Optional.of(Files.readString(f).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether a node of this cluster runs: a desired one, or one the pools dropped that still has storage. */
    public boolean anyNodeRunning() {
        return Stream.concat(desired.nodes().stream().map(DesiredNode::id), state.memory().formatted().keySet().stream())
                .anyMatch(id -> processes.find(id).isPresent());
    }

    /** The highest port any node of this cluster listens on. */
    public int highestPort() {
        int max = 0;
        for (DesiredNode n : desired.nodes()) {
            max = Math.max(max, addressing.port(n, ListenerSpec.CONTROLPLANE));
            for (ListenerSpec l : desired.listeners()) {
                max = Math.max(max, addressing.port(n, l));
            }
            if (desired.metricsSpec().isPresent()) {
                max = Math.max(max, addressing.metricsPort(n.id()));
            }
        }
        return desired.exporterSpec().isPresent() ? Math.max(max, addressing.exporterPort()) : max;
    }

    /** Ports that nodes which are not running would need but something else holds. */
    public List<String> busyPorts() {
        List<String> busy = new ArrayList<>();
        for (DesiredNode n : desired.nodes()) {
            if (processes.find(n.id()).isPresent()) {
                continue;
            }
            List<ListenerSpec> ls = new ArrayList<>();
            if (n.isController()) {
                ls.add(ListenerSpec.CONTROLPLANE);
            }
            if (n.isBroker()) {
                ls.add(ListenerSpec.REPLICATION);
                ls.addAll(desired.listeners());
            }
            for (ListenerSpec l : ls) {
                int port = addressing.port(n, l);
                if (taken(port)) {
                    busy.add(port + " (" + nodeName(n) + ", listener " + l.name() + ")");
                }
            }
            if (desired.metricsSpec().isPresent() && taken(addressing.metricsPort(n.id()))) {
                busy.add(addressing.metricsPort(n.id()) + " (" + nodeName(n) + ", metrics)");
            }
        }
        if (desired.exporterSpec().isPresent() && taken(addressing.exporterPort())) {
            busy.add(addressing.exporterPort() + " (consumer-lag exporter)");
        }
        return busy;
    }

    private static boolean taken(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(LocalAddressing.HOST))) {
            s.setReuseAddress(true);
            return false;
        } catch (IOException e) {
            return true;
        }
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

    /**
     * Client properties for a listener (the first one when {@code listenerName} is null) as KafkaUser
     * {@code user} (null: none). A SCRAM listener needs a user; the password is put in the properties,
     * which the caller keeps to itself.
     */
    public Properties clientProperties(String listenerName, String user) throws IOException {
        ListenerSpec listener = listener(listenerName);
        Properties p = clientProperties(listenerName);
        if (listener.mutualTls()) {
            if (user == null) {
                throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                        + " asks clients for a certificate (authentication tls); name a KafkaUser with --user NAME");
            }
            Path store = LocalUsers.keyStoreFile(dir, user);
            if (!Files.exists(store)) {
                throw new IllegalArgumentException("no certificate for KafkaUser " + user + "; users with authentication tls: "
                        + desired.users().stream().filter(u -> DesiredUser.TLS.equals(u.authentication())).map(DesiredUser::name).toList());
            }
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
            p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, store.toString());
            p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, LocalUsers.password(dir, user).orElseThrow().reveal());
        } else if (listener.scram()) {
            if (user == null) {
                throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                        + " asks clients to log in (scram-sha-512); name a KafkaUser with --user NAME");
            }
            LocalUsers.saslProperties(user, LocalUsers.password(dir, user).orElseThrow(() -> new IllegalArgumentException(
                    "no SCRAM password for KafkaUser " + user + "; users with authentication scram-sha-512: "
                            + desired.users().stream().filter(u -> DesiredUser.SCRAM.equals(u.authentication())).map(DesiredUser::name).toList())).reveal())
                    .forEach(p::put);
        } else if (user != null) {
            throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                    + " does not authenticate clients, so --user " + user + " means nothing there; pick a listener with"
                    + " authentication: " + desired.listeners().stream().filter(l -> l.authentication() != null).map(ListenerSpec::name).toList());
        }
        return p;
    }

    /** Client properties for a listener (the first one when {@code listenerName} is null), without any user's credentials. */
    public Properties clientProperties(String listenerName) throws IOException {
        ListenerSpec listener = listener(listenerName);
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(listener));
        if (!listener.securityProtocol().equals("PLAINTEXT")) {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener.securityProtocol());
        }
        if (listener.tls()) {
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("ca").resolve("truststore.p12").toString());
            p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, storePassword().orElseThrow());
        }
        return p;
    }

    public ListenerSpec listener(String name) {
        if (name == null) {
            return desired.listeners().get(0);
        }
        return desired.listeners().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener \"" + name + "\" in Kafka " + desired.name()
                        + "; it has " + desired.listeners().stream().map(ListenerSpec::name).toList()));
    }

    public String bootstrap(ListenerSpec listener) {
        return desired.brokers().stream().map(b -> LocalAddressing.HOST + ":" + addressing.port(b, listener))
                .collect(Collectors.joining(","));
    }

    /**
     * keks' way in to a secured cluster: the brokers' replication listener, with its own certificate
     * (a super user), so that it needs no user of the manifests and no listener they may change.
     */
    private Properties internalConnection() throws IOException {
        Properties p = new Properties();
        String pw = storePassword().orElseThrow();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(ListenerSpec.REPLICATION));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("ca").resolve("truststore.p12").toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, pw);
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, FileCertificateStore.adminKeyStore(dir).toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, pw);
        return p;
    }

    /** An Admin client for keks' own calls, on the first listener (the internal one in a secured cluster). The caller closes it. */
    public Admin admin() throws IOException {
        return Admin.create(AdminTimeouts.quick(adminConnection()));
    }

    /** An Admin client for batched work over many topics, whose single calls may take Kafka a while. */
    public Admin topicAdmin() throws IOException {
        return Admin.create(AdminTimeouts.bulk(adminConnection()));
    }

    private Properties adminConnection() throws IOException {
        // in a secured cluster keks is a super user on the internal listener; otherwise the first listener serves
        // it as well and, when it is plain, spares each command a TLS set-up (about 0.1 s)
        Properties p = desired.secured() ? internalConnection() : clientProperties(null);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "keks");
        return p;
    }

    /** Whether every desired broker serves and every controller votes in a quorum with a leader. */
    public boolean isReady(ObservedCluster o) {
        return o.quorumLeader().isPresent()
                && desired.brokers().stream().allMatch(b -> o.brokerServing(b.id()))
                && desired.controllers().stream().allMatch(c -> o.voters().contains(c.id()));
    }

    public ObservedCluster observe(Admin admin, long timeoutMs) throws Exception {
        return new ClusterObserver(admin, timeoutMs).observe();
    }

    /** The configuration broker {@code id} last started with (what live changes are compared against). */
    Map<String, String> runningConfig(int id) throws IOException {
        return readProperties(processes.runningConfigFile(id));
    }

    /** Each desired node's configuration as it would start now. */
    Map<Integer, Map<String, String>> desiredConfigs() throws IOException {
        Map<Integer, Map<String, String>> wanted = new TreeMap<>();
        for (DesiredNode n : desired.nodes()) {
            wanted.put(n.id(), readProperties(processes.configFile(n.id())));
        }
        return wanted;
    }

    /**
     * The nodes that exist: every formatted one, with the configuration and Kafka version it last
     * started with, and, through {@code admin} (null: not asked), the finalized metadata.version.
     */
    public ClusterImage image(Admin admin) throws Exception {
        Map<Integer, ClusterImage.Node> nodes = new TreeMap<>();
        for (Map.Entry<Integer, String> f : state.memory().formatted().entrySet()) {
            int id = f.getKey();
            Map<String, String> running = readProperties(processes.runningConfigFile(id));
            Optional<DesiredNode> d = desired.nodes().stream().filter(n -> n.id() == id).findFirst();
            String version = runningVersion(id).orElse(f.getValue());
            nodes.put(id, new ClusterImage.Node(id, d.map(DesiredNode::pool).orElse(state.nodePools().getOrDefault(id, "node")),
                    d.map(DesiredNode::roles).orElseGet(() -> roles(running.get("process.roles"))),
                    d.map(DesiredNode::rack).orElse(running.get("broker.rack")), running, version, runningCertificate(id)));
        }
        OptionalInt level = admin == null ? OptionalInt.empty() : ClusterObserver.finalizedMetadataLevel(admin, 30_000);
        return new ClusterImage(nodes, level);
    }

    /**
     * The serial of the certificate node {@code id} last started with; null when it has none. A node an
     * earlier keks started has no copy: it serves what its certificate file held at its start.
     */
    private String runningCertificate(int id) throws IOException {
        Path recorded = processes.runningCertificateFile(id);
        if (Files.exists(recorded)) {
            return serial(recorded);
        }
        Path current = FileCertificateStore.nodeCertificateFile(addressing.nodeDir(id));
        Optional<Instant> started = process(id).flatMap(p -> p.info().startInstant());
        if (!Files.exists(current) || started.isEmpty()) {
            return null;
        }
        return Files.getLastModifiedTime(current).toInstant().isAfter(started.get()) ? "issued after it started" : serial(current);
    }

    private static String serial(Path pem) throws IOException {
        try {
            return Pem.certificate(Files.readString(pem)).getSerialNumber().toString(16);
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificate " + pem + ": " + e.getMessage(), e);
        }
    }

    private static Set<Role> roles(String processRoles) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Role r : Role.values()) {
            if (processRoles != null && List.of(processRoles.split(",")).contains(r.kafkaName())) {
                roles.add(r);
            }
        }
        return roles;
    }

    private ConfigModes configModes;

    synchronized ConfigModes configModes() throws IOException {
        if (configModes == null) {
            configModes = KafkaConfigModes.load(libDir, desired.version().toString());
        }
        return configModes;
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /**
     * Deletes a KafkaTopic as Kubernetes would with keks' finalizer: its Kafka topic is deleted too,
     * unless the KafkaTopic is unmanaged, another KafkaTopic names the same topic, or the cluster is
     * not running (then only the manifest goes, and the topic stays in Kafka's data).
     *
     * @return what happened, as a line for the user
     */
    public String deleteTopic(String resourceName) throws IOException, InterruptedException {
        DesiredTopic t = desired.topics().stream().filter(d -> d.resourceName().equals(resourceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no KafkaTopic " + resourceName + " in cluster " + desired.name()
                        + "; `keks get kafkatopics` lists them"));
        boolean shared = desired.topics().stream().anyMatch(o -> o != t && o.topicName().equals(t.topicName()));
        String outcome;
        if (!t.managed() || shared) {
            outcome = "topic " + t.topicName() + " kept in Kafka (" + (shared ? "another KafkaTopic names it" : "strimzi.io/managed is \"false\"") + ")";
        } else if (!anyNodeRunning()) {
            outcome = "topic " + t.topicName() + " kept: the cluster is not running, so Kafka could not be asked to delete it";
        } else {
            try (Admin admin = admin()) {
                Optional<String> error = new TopicReconciler(admin, 30_000, 0).delete(List.of(t)).get(t.resourceName());
                if (error.isPresent()) {
                    throw new IOException("Kafka did not delete topic " + t.topicName() + ": " + error.get() + "; the KafkaTopic is kept");
                }
            }
            outcome = "topic " + t.topicName() + " deleted from Kafka";
        }
        StoredManifests.deleteTopic(dir, StoredManifests.read(dir).topics(), resourceName);
        TopicStatuses stored = TopicStatuses.read(dir);
        List<TopicStatus> left = stored.byResource().values().stream().filter(s -> !s.resourceName().equals(resourceName)).toList();
        TopicStatuses.write(dir, left);
        return outcome;
    }

    /**
     * Makes Kafka's topics match the KafkaTopics, in batched Admin calls, and keeps each one's status
     * in topics.json. A replication factor change is followed until its partitions have moved (each
     * step reported to {@code progress}, at most {@code timeout} without a partition finishing), then a
     * last pass removes its throttle.
     *
     * @param throttleBytesPerSecond the replication rate a replication factor change may use per broker
     */
    public TopicReconciler.Result reconcileTopics(long throttleBytesPerSecond, Duration timeout,
                                                  Consumer<String> progress) throws InterruptedException, IOException {
        try (Admin admin = topicAdmin()) {
            return reconcileTopics(new TopicReconciler(admin, AdminTimeouts.BULK_CALL_MS, throttleBytesPerSecond),
                    timeout, progress);
        }
    }

    private TopicReconciler.Result reconcileTopics(TopicReconciler reconciler, Duration timeout,
                                                   Consumer<String> progress) throws InterruptedException, IOException {
        TopicReconciler.Result r = reconciler.reconcile(desired.topics(), t -> true, t -> !firstApplied.contains(t.resourceName()));
        int writes = r.writeCalls();
        String last = "";
        long lastChange = System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        while (r.changing()) {
            TopicStatuses.write(dir, r.statuses());
            String now = r.statuses().stream().filter(t -> t.replicasChange() != null)
                    .map(t -> "kafkatopic/" + t.resourceName() + " replicas " + t.replicas() + " -> "
                            + t.replicasChange().targetReplicas() + ": " + t.replicasChange().message())
                    .collect(Collectors.joining("\n"));
            if (!now.equals(last)) {
                progress.accept(now);
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > timeout.toNanos()) {
                progress.accept("no replica finished moving for " + timeout.toSeconds() + " s; the reassignment keeps running"
                        + " in Kafka and the next `keks apply` looks at it again");
                break;
            }
            never.await(500, TimeUnit.MILLISECONDS);
            r = reconciler.reconcile(desired.topics());
            writes += r.writeCalls();
        }
        TopicStatuses.write(dir, r.statuses());
        return new TopicReconciler.Result(r.statuses(), writes);
    }
}
