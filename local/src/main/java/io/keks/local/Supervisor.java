package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keks.engine.ClusterMemory;
import io.keks.engine.DiskUse;
import io.keks.engine.change.ClusterChanger;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.metrics.ExporterServer;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.roll.NodeRuntime;
import io.keks.engine.roll.RestartReason;
import io.keks.engine.roll.Roller;
import io.keks.local.dashboard.AdminLooks;
import io.keks.local.dashboard.DashboardSampler;
import io.keks.local.dashboard.DashboardServer;
import io.keks.local.dashboard.Glance;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ExporterSpec;
import io.keks.model.ListenerSpec;
import io.keks.model.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Keeps every node of a local cluster running: starts the ones that are not, and restarts a node that dies, backing off
 * when it keeps dying (CrashLoopBackOff, as Kubernetes would say). Writes what it sees to supervisor.json for keks status.
 */
public final class Supervisor {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration CHECK = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final int CRASH_LOOP_RESTARTS = 3;
    private static final Duration CRASH_LOOP_WINDOW = Duration.ofMinutes(2);

    /** The state of a node that stopped and waits for room on its volume's filesystem before it is started again. */
    public static final String VOLUME_FULL = "VolumeFull";

    /** What the supervisor knows of a node; restarts counts restarts after an unexpected exit. */
    public record NodeRecord(int restarts, String state, long lastStart, String lastExit) {
    }

    private volatile LocalCluster cluster;
    private final Progress progress;
    /** Nodes a roll is restarting: the watch loop leaves them alone meanwhile. */
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private volatile String handledRequest;
    private Thread worker;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<Integer, Deque<Long>> recentStarts = new HashMap<>();
    private final Map<Integer, NodeRecord> records = new TreeMap<>();
    private final Map<Integer, Long> notBefore = new HashMap<>();

    public Supervisor(LocalCluster cluster, Progress progress) {
        this.cluster = cluster;
        this.progress = progress;
        this.records.putAll(readRecords(cluster.dir()));
        // a request whose roll finished is done; one left unfinished (the supervisor stopped) is taken up again
        this.handledRequest = RollRecord.read(cluster.dir()).filter(RollRecord::finished).map(RollRecord::requestId).orElse(null);
    }

    public static Path recordsFile(Path clusterDir) {
        return clusterDir.resolve("supervisor.json");
    }

    public static Path pidFile(Path clusterDir) {
        return clusterDir.resolve("supervisor.pid");
    }

    /** The live process the pid file of the cluster in {@code clusterDir} names, if any. */
    public static Optional<ProcessHandle> process(Path clusterDir) {
        try {
            Path f = pidFile(clusterDir);
            return Files.exists(f) ? ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).filter(ProcessHandle::isAlive)
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static Map<Integer, NodeRecord> readRecords(Path clusterDir) {
        try {
            Path f = recordsFile(clusterDir);
            if (!Files.exists(f)) {
                return Map.of();
            }
            var type = JSON.getTypeFactory().constructMapType(TreeMap.class, Integer.class, NodeRecord.class);
            return JSON.readValue(f.toFile(), type);
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Starts every node that is not running: controllers first, then, once the controllers accept
     * connections on their quorum port, the brokers. Brokers that start before any controller
     * listens were seen to miss registration until Kafka's 60 s registration timeout killed them.
     */
    public void startMissing() throws IOException, InterruptedException {
        boolean started = false;
        for (DesiredNode n : cluster.desired().nodes()) {
            if (n.isController() && cluster.process(n.id()).isEmpty()) {
                progress.step("starting " + cluster.nodeName(n) + " (" + n.processRoles() + ")");
                launch(n, false);
                started = true;
            }
        }
        if (started) {
            awaitControllersListening(Duration.ofSeconds(30));
        }
        for (DesiredNode n : cluster.desired().nodes()) {
            if (!n.isController() && cluster.process(n.id()).isEmpty()) {
                progress.step("starting " + cluster.nodeName(n) + " (" + n.processRoles() + ")");
                launch(n, false);
            }
        }
        writeRecords();
    }

    private void awaitControllersListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (DesiredNode c : cluster.desired().controllers()) {
            int port = cluster.addressing().port(c, ListenerSpec.CONTROLPLANE);
            while (!accepts(port) && System.nanoTime() < deadline && cluster.process(c.id()).isPresent()) {
                stop.await(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalAddressing.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void launch(DesiredNode n, boolean restart) throws IOException {
        cluster.start(n);
        long now = System.currentTimeMillis();
        Deque<Long> starts = recentStarts.computeIfAbsent(n.id(), k -> new ArrayDeque<>());
        starts.addLast(now);
        while (!starts.isEmpty() && now - starts.peekFirst() > CRASH_LOOP_WINDOW.toMillis()) {
            starts.removeFirst();
        }
        NodeRecord old = records.getOrDefault(n.id(), new NodeRecord(0, "Running", now, null));
        records.put(n.id(), new NodeRecord(old.restarts() + (restart ? 1 : 0), "Running", now, old.lastExit()));
    }

    /** Watches the nodes until {@link #requestStop()}; returns without stopping them. */
    public void superviseUntilStopped() throws InterruptedException {
        // the dashboard's looks through the Admin API follow the cluster as it is now (a scale changes its brokers)
        AdminLooks adminLooks = new AdminLooks(() -> cluster.admin());
        DashboardServer dashboard = startDashboard(adminLooks);
        try (Exporter exporter = Exporter.start(cluster, progress)) {
            watch();
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
            adminLooks.close();
        }
    }

    /**
     * The local dashboard ({@code keks dashboard}), run by whoever supervises the nodes. It looks at
     * the nodes the supervisor follows now, so a scale shows on the page; a port that is taken costs
     * the dashboard, never the cluster.
     */
    private DashboardServer startDashboard(AdminLooks adminLooks) {
        Duration interval = intervalFromEnvironment("KEKS_DASHBOARD_INTERVAL_SECONDS", 5);
        LocalCluster first = cluster;
        DashboardSampler sampler = new DashboardSampler(first.desired().name(), new DashboardSampler.Sources(() -> {
            LocalCluster c = cluster;
            return c.desired().nodes().stream().map(n -> new Glance.Target(n.id(), c.nodeName(n),
                    n.roles().stream().sorted().map(Role::kafkaName).toList(), c.process(n.id()).isPresent(),
                    c.metricsUrl(n.id()))).toList();
        }, () -> cluster.exporterUrl(), adminLooks, () -> LocalRebalances.allOrNone(first.dir())), first.dir(), interval);
        try {
            return new DashboardServer(new InetSocketAddress(LocalAddressing.HOST, first.addressing().dashboardPort()),
                    sampler, interval);
        } catch (IOException e) {
            progress.step("dashboard not started: port " + first.addressing().dashboardPort() + " (" + e.getMessage() + ")");
            return null;
        }
    }

    private void watch() throws InterruptedException {
        while (!stop.await(CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
            LocalCluster c = cluster;
            for (DesiredNode n : c.desired().nodes()) {
                if (stop.getCount() == 0) {
                    return;
                }
                if (held.contains(n.id()) || c.process(n.id()).isPresent()) {
                    continue;
                }
                restart(n);
            }
            takeRequest();
        }
    }

    /**
     * The consumer-lag exporter (spec.kafkaExporter), run by whoever supervises the nodes, with one
     * Admin client for its life. Changed patterns apply at its next poll; turning it on or off takes
     * the next {@code keks up}.
     */
    private record Exporter(ExporterServer server, Admin admin) implements AutoCloseable {
        static Exporter start(LocalCluster cluster, Progress progress) {
            if (cluster.desired().exporterSpec().isEmpty()) {
                return new Exporter(null, null);
            }
            Admin admin = null;
            try {
                admin = cluster.admin();
                ExporterSpec first = cluster.desired().exporterSpec().get();
                ExporterServer server = new ExporterServer(new InetSocketAddress(LocalAddressing.HOST,
                        cluster.addressing().exporterPort()), admin, () -> cluster.nodeFiles().appliedExporterSpec().orElse(first),
                        exporterInterval(), progress::step);
                return new Exporter(server, admin);
            } catch (IOException | RuntimeException e) {
                progress.step("consumer-lag exporter not started: " + e.getMessage());
                if (admin != null) {
                    admin.close();
                }
                return new Exporter(null, null);
            }
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
                admin.close(Duration.ofSeconds(5));
            }
        }
    }

    /** How often the exporter asks Kafka (KEKS_EXPORTER_INTERVAL_SECONDS, default 15). */
    static Duration exporterInterval() {
        return intervalFromEnvironment("KEKS_EXPORTER_INTERVAL_SECONDS", 15);
    }

    /** Seconds from environment variable {@code name}, at least 1; {@code fallback} when unset or not a number. */
    private static Duration intervalFromEnvironment(String name, long fallback) {
        String s = System.getenv(name);
        try {
            return Duration.ofSeconds(s == null || s.isBlank() ? fallback : Math.max(1, Long.parseLong(s.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(fallback);
        }
    }

    /** Starts a roll for a new {@link RollRequest}, one at a time. */
    private void takeRequest() {
        if (worker != null && worker.isAlive()) {
            return;
        }
        Optional<RollRequest> request = RollRequest.read(cluster.dir());
        if (request.isEmpty() || request.get().id().equals(handledRequest)) {
            return;
        }
        RollRequest r = request.get();
        handledRequest = r.id();
        worker = Thread.ofPlatform().name("keks-roll").daemon().start(() -> roll(r));
    }

    /**
     * Re-reads what was applied and makes the nodes follow through the engine: the delta between the
     * nodes that exist and the desired ones, carried out by {@link ClusterChanger}.
     */
    private void roll(RollRequest request) {
        RollLog log = new RollLog(cluster.dir(), request.id(), progress);
        Set<Integer> joining = new TreeSet<>();
        try {
            LocalCluster c = LocalCluster.open(cluster.home(), cluster.desired().name());
            Roller.Options roll = Roller.Options.defaults().withByRack(request.byRack())
                    .withNodeTimeout(Duration.ofSeconds(request.timeoutSeconds()));
            LocalClusterRuntime runtime = LocalClusterRuntime.over(c, request.manual(), (applied, delta, admin) ->
                    new ClusterChanger(admin, new LocalRuntime(applied), new ClusterChanger.Options(roll, request.drainThrottleBytes()), log)
                            .apply(applied.desired(), delta));
            Reconciliation.Listener listener = new Reconciliation.Listener() {
                @Override
                public void step(String line) {
                    log.step(line);
                }

                @Override
                public void changeOfNodes(DesiredCluster applied, ClusterDelta delta) {
                    delta.joining().forEach(n -> joining.add(n.id()));
                    // held before the watch loop sees the new desired nodes, or it would take them for crashed ones
                    held.addAll(joining);
                    cluster = c;
                    if (!delta.isEmpty()) {
                        Map<String, List<String>> why = new TreeMap<>();
                        delta.restarts().forEach((id, rs) -> why.put(c.nodeName(c.desired().node(id)), rs.stream().map(Enum::name).toList()));
                        log.plan(why);
                        log.step("change: " + delta.summary(false));
                    }
                }
            };
            try (Admin admin = c.admin()) {
                ClusterMemory memory = c.state().memory();
                Reconciliation.ChangeOfNodes done = Reconciliation.changeOfNodes(runtime, c.desired(), memory,
                        runtime.configModes(admin, null), runtime.certificates(c.desired(), memory), admin, listener);
                log.finish(null, done.delta().isEmpty() ? "nothing to change" : "done: " + done.delta().summary(true));
            }
        } catch (Roller.RollFailed e) {
            log.finish(e.getMessage(), "stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.finish("the supervisor stopped during the change", "interrupted");
        } catch (Exception e) {
            log.finish(e.toString(), "stopped: " + e);
        } finally {
            held.removeAll(joining);
        }
    }

    /** The local {@link NodeRuntime}: node JVMs on this machine, which this supervisor otherwise keeps running. */
    private final class LocalRuntime implements NodeRuntime {
        private final LocalCluster c;

        LocalRuntime(LocalCluster c) {
            this.c = c;
        }

        @Override
        public Health health(DesiredNode node) {
            if (c.process(node.id()).isPresent()) {
                return Health.RUNNING;
            }
            NodeRecord r;
            synchronized (Supervisor.this) {
                r = records.get(node.id());
            }
            return r != null && r.state().equals("CrashLoopBackOff") ? Health.CRASH_LOOP : Health.DOWN;
        }

        @Override
        public void start(DesiredNode node) throws IOException {
            synchronized (Supervisor.this) {
                launch(node, false);
                writeRecords();
            }
            held.remove(node.id());
        }

        @Override
        public void stop(DesiredNode node, Duration grace) {
            // held first: the watch loop must not take the stopped node for a crashed one
            held.add(node.id());
            c.stop(node, grace);
        }

        @Override
        public void delete(DesiredNode node) throws IOException {
            c.deleteNode(node.id());
            synchronized (Supervisor.this) {
                records.remove(node.id());
                writeRecords();
            }
            held.remove(node.id());
        }

        @Override
        public String name(DesiredNode node) {
            return c.nodeName(node);
        }

        @Override
        public HostPort controlPlane(DesiredNode controller) {
            return c.addressing().controlPlane(controller);
        }
    }

    /** Follows a change into roll.json and the supervisor's output. */
    private final class RollLog implements Roller.Listener {
        private final Path dir;
        private final Progress progress;
        private RollRecord record;

        RollLog(Path dir, String requestId, Progress progress) {
            this.dir = dir;
            this.progress = progress;
            this.record = RollRecord.started(requestId);
            save();
        }

        @Override
        public synchronized void step(String message) {
            progress.step(message);
            record = record.withEvent(message);
            save();
        }

        @Override
        public synchronized void restarting(List<DesiredNode> batch, Map<Integer, Set<RestartReason>> reasons) {
            record = record.withCurrent(batch.stream().map(cluster::nodeName).toList());
            save();
        }

        @Override
        public synchronized void restarted(DesiredNode node) {
            String name = cluster.nodeName(node);
            record = record.withRestarted(name).withEvent(name + " is back and caught up (" + (record.restarted().size() + 1)
                    + " of " + record.total() + ")");
            progress.step(name + " is back and caught up");
            save();
        }

        synchronized void plan(Map<String, List<String>> why) {
            record = record.withPlan(why);
            save();
        }

        synchronized void finish(String failure, String message) {
            progress.step(message);
            record = record.withEvent(message).finish(failure);
            save();
        }

        private void save() {
            try {
                record.write(dir);
            } catch (IOException e) {
                progress.step("cannot write " + RollRecord.file(dir) + ": " + e.getMessage());
            }
        }
    }

    private synchronized void restart(DesiredNode n) {
        // checked again under the lock: a roll marks a node held before it stops it
        if (held.contains(n.id()) || cluster.process(n.id()).isPresent()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now < notBefore.getOrDefault(n.id(), 0L)) {
            return;
        }
        Deque<Long> starts = recentStarts.computeIfAbsent(n.id(), k -> new ArrayDeque<>());
        boolean looping = starts.size() >= CRASH_LOOP_RESTARTS
                && now - starts.peekFirst() < CRASH_LOOP_WINDOW.toMillis();
        NodeRecord old = records.getOrDefault(n.id(), new NodeRecord(0, "Running", now, null));
        String exit = "exited at " + Instant.ofEpochMilli(now) + "; see " + cluster.logFile(n.id());
        if (looping) {
            long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(6, starts.size()));
            notBefore.put(n.id(), now + backoff);
            progress.step(cluster.nodeName(n) + " keeps exiting; next start in " + backoff / 1000 + " s (log: "
                    + cluster.logFile(n.id()) + ")");
            records.put(n.id(), new NodeRecord(old.restarts(), "CrashLoopBackOff", old.lastStart(), exit));
            starts.removeFirst();
            writeRecords();
            return;
        }
        Optional<DiskUse> full = cluster.fullVolume(n);
        if (full.isPresent()) {
            // a broker Kafka stopped because its disk filled would stop again at once: it waits for room, looked at each round
            if (!old.state().equals(VOLUME_FULL)) {
                progress.step(full.get().restartHeld(cluster.nodeName(n)));
                records.put(n.id(), new NodeRecord(old.restarts(), VOLUME_FULL, old.lastStart(), exit));
                writeRecords();
            }
            return;
        }
        progress.step(cluster.nodeName(n) + " stopped unexpectedly; restarting it");
        try {
            records.put(n.id(), new NodeRecord(old.restarts(), "Restarting", old.lastStart(), exit));
            launch(n, true);
        } catch (IOException e) {
            progress.step("cannot restart " + cluster.nodeName(n) + ": " + e.getMessage());
            notBefore.put(n.id(), now + 5000);
        }
        writeRecords();
    }

    /** The cluster as the supervisor now runs it: a change it carried out may have added or removed nodes. */
    public LocalCluster cluster() {
        return cluster;
    }

    public void requestStop() {
        stop.countDown();
    }

    private synchronized void writeRecords() {
        try {
            JsonFiles.write(recordsFile(cluster.dir()), records);
        } catch (IOException e) {
            progress.step("cannot write " + recordsFile(cluster.dir()) + ": " + e.getMessage());
        }
    }
}
