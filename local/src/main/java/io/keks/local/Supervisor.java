package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keks.model.DesiredNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every node of a local cluster running: starts the ones that are not, and restarts a node
 * that dies, backing off when it keeps dying (CrashLoopBackOff, as Kubernetes would say). Writes
 * what it sees to supervisor.json for {@code keks status}.
 */
public final class Supervisor {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration CHECK = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final int CRASH_LOOP_RESTARTS = 3;
    private static final Duration CRASH_LOOP_WINDOW = Duration.ofMinutes(2);

    /** What the supervisor knows of a node; restarts counts restarts after an unexpected exit. */
    public record NodeRecord(int restarts, String state, long lastStart, String lastExit) {
    }

    private final LocalCluster cluster;
    private final Progress progress;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<Integer, Deque<Long>> recentStarts = new HashMap<>();
    private final Map<Integer, NodeRecord> records = new TreeMap<>();
    private final Map<Integer, Long> notBefore = new HashMap<>();

    public Supervisor(LocalCluster cluster, Progress progress) {
        this.cluster = cluster;
        this.progress = progress;
        this.records.putAll(readRecords(cluster.dir()));
    }

    public static Path recordsFile(Path clusterDir) {
        return clusterDir.resolve("supervisor.json");
    }

    public static Path pidFile(Path clusterDir) {
        return clusterDir.resolve("supervisor.pid");
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
            int port = cluster.addressing().port(c, io.keks.model.ListenerSpec.CONTROLPLANE);
            while (!accepts(port) && System.nanoTime() < deadline && cluster.process(c.id()).isPresent()) {
                stop.await(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(LocalAddressing.HOST, port), 200);
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
        while (!stop.await(CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
            for (DesiredNode n : cluster.desired().nodes()) {
                if (stop.getCount() == 0) {
                    return;
                }
                if (cluster.process(n.id()).isPresent()) {
                    continue;
                }
                restart(n);
            }
        }
    }

    private void restart(DesiredNode n) {
        long now = System.currentTimeMillis();
        if (now < notBefore.getOrDefault(n.id(), 0L)) {
            return;
        }
        Deque<Long> starts = recentStarts.computeIfAbsent(n.id(), k -> new ArrayDeque<>());
        boolean looping = starts.size() >= CRASH_LOOP_RESTARTS
                && now - starts.peekFirst() < CRASH_LOOP_WINDOW.toMillis();
        NodeRecord old = records.getOrDefault(n.id(), new NodeRecord(0, "Running", now, null));
        String exit = "exited at " + java.time.Instant.ofEpochMilli(now) + "; see " + cluster.logFile(n.id());
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

    public void requestStop() {
        stop.countDown();
    }

    private void writeRecords() {
        try {
            Path f = recordsFile(cluster.dir());
            Path tmp = f.resolveSibling("supervisor.json.tmp");
            JSON.writeValue(tmp.toFile(), records);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            progress.step("cannot write " + recordsFile(cluster.dir()) + ": " + e.getMessage());
        }
    }
}
