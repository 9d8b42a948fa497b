package io.keks.cli;

import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.UnsafeChangeException;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.topic.TopicStatus;
import io.keks.local.ClusterHome;
import io.keks.local.ClusterStatus;
import io.keks.local.LocalCluster;
import io.keks.local.LocalClusterRuntime;
import io.keks.local.LocalUsers;
import io.keks.local.PortShifts;
import io.keks.local.Progress;
import io.keks.local.Supervisor;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.Quantity;
import io.keks.model.manifest.Manifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", sortOptions = false,
        description = {"Start a Kafka cluster on this machine from Strimzi manifests and wait until it is ready.",
                "Each node is its own Kafka JVM listening on 127.0.0.1. Without -f, `up` brings back the cluster",
                "KEKS_HOME holds, with its data and the manifests it was last given (the seed's cluster when",
                "it holds none): it starts what is stopped, takes over nodes left running, and finishes a change",
                "that was under way. In the foreground it shows live status until Ctrl-C, which stops the cluster."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks up                                  the cluster of KEKS_HOME, or the seed's and test-topic from examples/",
                "  keks up -d                               the same, in the background (stop with keks down)",
                "  keks up -f examples/dev/                 a one-node development cluster",
                "  keks up -f examples/seed-3.9/ -f examples/kafka-topics.yaml   the seed exactly, on Kafka 3.9.0",
                "  keks up -d --port-shift 1000             every port + 1000 (a new cluster next to another)",
                "",
                "Ports: a listener's port plus 100 x node id (broker 0 serves 9092, broker 1 9192, ...)."})
final class UpCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR",
            description = "Manifest file or directory (repeatable). Default: examples/kafka-manifests/ and examples/kafka-topics.yaml.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "Without -f: the cluster to bring back, when KEKS_HOME holds several.")
    String clusterName;

    @Option(names = {"-d", "--detach"}, description = "Return once the cluster is ready and leave a supervisor running it.")
    boolean detach;

    @Option(names = "--port-shift", paramLabel = "N", description = "Add N to every port of a new cluster (default 0).")
    Integer portShift;

    @Option(names = "--max-heap", paramLabel = "SIZE",
            description = "Largest heap a node gets here, whatever jvmOptions ask for (default 512m, or what the cluster was started with).")
    String maxHeap;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long to wait for the cluster to be ready (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    /** Below this a Kafka node does not get through its start. */
    static final long MIN_HEAP_BYTES = 128L << 20;
    /** The highest shift that keeps the ports of the examples' nodes (9093 + 100 x node id) below 65536. */
    static final int MAX_PORT_SHIFT = 50_000;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        if (clusterName != null && !files.isEmpty()) {
            err.println("error: --cluster picks a cluster of KEKS_HOME to bring back without -f; with -f the Kafka manifest names the cluster");
            return 2;
        }
        Optional<Long> heap = maxHeap == null ? Optional.of(-1L) : Quantity.jvmBytes(maxHeap);
        if (heap.isEmpty()) {
            err.println("error: --max-heap " + maxHeap + " is not a JVM size; write it like 512m or 1g");
            return 2;
        }
        if (maxHeap != null && heap.get() < MIN_HEAP_BYTES) {
            err.println("error: --max-heap " + maxHeap + " is less than a Kafka node starts with; give it 128m or more");
            return 2;
        }
        if (portShift != null && (portShift < 0 || portShift > MAX_PORT_SHIFT)) {
            err.println("error: --port-shift " + portShift + " is outside 0.." + MAX_PORT_SHIFT + ": every port is a listener's port"
                    + " plus 100 x node id plus the shift, and must stay at or below 65535");
            return 2;
        }
        if (timeoutSeconds < 1) {
            err.println("error: --timeout " + timeoutSeconds + " is not a wait; give the seconds to wait for the cluster, 1 or more");
            return 2;
        }
        Progress progress = m -> {
            out.printf("  [%4.1fs] %s%n", (System.nanoTime() - started) / 1e9, m);
            out.flush();
        };
        LocalCluster.Options options = new LocalCluster.Options(portShift, maxHeap == null ? null : heap.get(),
                LocalCluster.Options.bundleFromSystem());
        Opened opened = open(ClusterHome.fromEnvironment(), options, progress, out, err);
        if (opened == null) {
            return 2;
        }
        LocalClusterRuntime runtime = opened.runtime();
        Start start = new Start(out, progress);
        boolean[] rollFailed = new boolean[1];
        boolean[] followed = new boolean[1];
        runtime.starting(start, Duration.ofSeconds(timeoutSeconds))
                .withTopics(new LocalClusterRuntime.Topics(50L * 1024 * 1024, Duration.ofSeconds(timeoutSeconds), line -> {
                    out.println(line);
                    out.flush();
                }))
                .changing((cluster, delta, admin) -> {
                    // the supervisor makes the change: the one just started in the background must be up first
                    start.awaitSupervisor(cluster);
                    followed[0] = true;
                    rollFailed[0] = (start.cutShort.isPresent() ? RollFollower.followResumed(cluster, start.cutShort.get(), out, err)
                            : RollFollower.request(cluster, Set.of(), RollOptions.waiting(timeoutSeconds), 0, out, err)) != 0;
                });
        Reconciliation.Outcome o = ManifestOptions.run(runtime, Reconciliation.Mode.UP, opened.manifests(), lines(progress, out), err);
        if (o == null) {
            return 2;
        }
        if (o.ending() == Reconciliation.Ending.REFUSED) {
            throw new UnsafeChangeException(o.refused());
        }
        if (o.ending() != Reconciliation.Ending.DONE) {
            err.println("error: " + o.message());
            return 1;
        }
        if (start.cutShort.isPresent() && !followed[0]) {
            // this pass found nothing left to change: the new supervisor may have finished it first, or be finishing it
            start.awaitSupervisor(runtime.cluster());
            rollFailed[0] = RollFollower.followResumed(runtime.cluster(), start.cutShort.get(), out, err) != 0;
        }
        return ready(runtime, o, start, started, rollFailed[0], out);
    }

    /** The runtime over the cluster to bring up, and the manifests read for it (none when it is brought back). */
    private record Opened(LocalClusterRuntime runtime, Manifests manifests) {
    }

    /**
     * The cluster to bring up: the one KEKS_HOME holds (without -f), or the one the manifests read from -f
     * (or the seed's examples) describe. Null after an error was printed.
     */
    private Opened open(ClusterHome home, LocalCluster.Options options, Progress progress, PrintWriter out, PrintWriter err)
            throws IOException {
        Optional<String> resumed;
        try {
            resumed = files.isEmpty() ? clusterToResume(home) : Optional.empty();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return null;
        }
        if (resumed.isPresent()) {
            out.println("Bringing back cluster " + resumed.get() + " of " + home.root() + " with the manifests it was last given"
                    + " (`keks up -f FILE|DIR` gives it others)");
            return new Opened(LocalClusterRuntime.resume(home, resumed.get(), options, progress), Manifests.empty());
        }
        List<Path> paths = files.isEmpty()
                ? List.of(ManifestOptions.installDir().resolve("examples/kafka-manifests"),
                ManifestOptions.installDir().resolve("examples/kafka-topics.yaml"))
                : files;
        Manifests read = ManifestOptions.read(paths, err);
        return read.hasErrors() ? null : new Opened(LocalClusterRuntime.of(home, read, options, progress), read);
    }

    /** The pass's steps as progress lines, and the change of nodes announced before the supervisor makes it. */
    private static Reconciliation.Listener lines(Progress progress, PrintWriter out) {
        return new Reconciliation.Listener() {
            @Override
            public void step(String line) {
                progress.step(line);
            }

            @Override
            public void changeOfNodes(DesiredCluster applied, ClusterDelta delta) {
                // changed manifests given to a cluster that was running, or a metadata.version to finalize: what `keks apply` does
                if (!delta.isEmpty()) {
                    out.println();
                    out.println("Changing the nodes: " + delta.summary(false));
                }
            }
        };
    }

    /** Prints the ready cluster, then (without -d) watches it until Ctrl-C; the exit code says whether all is ready. */
    private int ready(LocalClusterRuntime runtime, Reconciliation.Outcome o, Start start, long started, boolean rollFailed,
                      PrintWriter out) throws Exception {
        LocalCluster cluster = runtime.cluster();
        start.awaitSupervisor(cluster);
        try (Admin admin = cluster.admin()) {
            List<TopicStatus> topics = o.topics().map(TopicReconciler.Result::statuses).orElse(List.of());
            LocalUsers.Reconciled users = runtime.users()
                    .orElse(new LocalUsers.Reconciled(List.of(), 0, null));
            double seconds = (System.nanoTime() - started) / 1e9;
            int usersNotReady = summary(cluster, ClusterStatus.of(cluster, admin, 5000), topics, users, seconds, out);
            if (rollFailed) {
                return 1;
            }
            if (detach || start.supervisorWasRunning) {
                return usersNotReady == 0 && topics.stream().allMatch(t -> t.ready() || TopicStatus.PAUSED.equals(t.reason())) ? 0 : 1;
            }
            liveStatus(cluster, admin, out, start.stopped, start.stopping);
        }
        return 0;
    }

    /**
     * keks up's way of starting the nodes that do not run, for the engine's "create missing nodes" step:
     * through the supervisor it starts (in the background with -d, in this process otherwise), unless one
     * already runs the cluster.
     */
    private final class Start implements LocalClusterRuntime.NodeStarter {
        private final PrintWriter out;
        private final Progress progress;
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicBoolean stopping = new AtomicBoolean();
        boolean supervisorWasRunning;
        /** The request of a change the last supervisor stopped in the middle of, read before a new one starts. */
        Optional<String> cutShort = Optional.empty();
        private Process spawned;

        Start(PrintWriter out, Progress progress) {
            this.out = out;
            this.progress = progress;
        }

        @Override
        public void start(LocalCluster cluster) throws IOException, InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            // nodes that ran before this `up` may be in the middle of a change a stopped supervisor left
            boolean tookOver = cluster.anyNodeRunning();
            heapNotes(cluster, out);
            if (cluster.ports().highest() >= PortShifts.ephemeralStart()) {
                err.println("warning: ports up to " + cluster.ports().highest() + " reach into this machine's ephemeral port range (from "
                        + PortShifts.ephemeralStart() + "): a client may be connected to itself while a node starts."
                        + " Prefer a --port-shift that keeps ports below it");
            }
            Optional<ProcessHandle> supervisor = SuperviseCommand.running(cluster.dir());
            if (supervisor.isPresent()) {
                supervisorWasRunning = true;
                out.println("Cluster " + cluster.desired().name() + " is already running (supervisor pid " + supervisor.get().pid() + ")");
                return;
            }
            // a change the last supervisor left unfinished: the one started here finishes it, and keks up follows it
            cutShort = RollFollower.cutShort(cluster);
            List<String> busy = cluster.ports().busy();
            if (!busy.isEmpty()) {
                throw new IllegalStateException("ports in use: " + String.join(", ", busy) + ". Stop what uses them"
                        + (cluster.state().portShift() == 0 && !cluster.anyNodeRunning()
                        ? ", or start this new cluster on other ports: `keks down --delete-data`, then `keks up --port-shift "
                        + PortShifts.free() + "` (free now)" : ""));
            }
            long running = cluster.desired().nodes().stream().filter(n -> cluster.process(n.id()).isPresent()).count();
            out.println((tookOver ? "Taking over Kafka cluster " : "Starting Kafka cluster ") + cluster.desired().name() + " (Kafka "
                    + cluster.desired().version() + ", " + count(cluster.desired().controllers().size(), "controller") + ", "
                    + count(cluster.desired().brokers().size(), "broker") + ") in " + cluster.dir()
                    + (tookOver ? ": " + running + " of " + cluster.desired().nodes().size() + " node(s) were running without a supervisor" : ""));
            if (detach) {
                // start the nodes from here, where the cluster is already open, and let the background
                // supervisor adopt them: its own JVM start is then off the path to a ready cluster
                new Supervisor(cluster, progress).startMissing();
                // its start overlaps the nodes'; that it came up is checked once the cluster is ready
                spawned = SuperviseCommand.spawn(cluster);
                return;
            }
            superviseHere(cluster);
        }

        /** Supervises the cluster from this process until Ctrl-C, which stops its nodes, brokers first. */
        private void superviseHere(LocalCluster cluster) throws IOException, InterruptedException {
            Supervisor sup = new Supervisor(cluster, progress);
            Files.writeString(Supervisor.pidFile(cluster.dir()), ProcessHandle.current().pid() + "\n");
            sup.startMissing();
            Thread watcher = Thread.ofPlatform().name("keks-supervisor").daemon().start(() -> {
                try {
                    sup.superviseUntilStopped();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopping.set(true);
                out.println();
                out.println("Stopping cluster " + cluster.desired().name() + " (brokers first)");
                sup.requestStop();
                try {
                    watcher.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sup.cluster().stopAll(Duration.ofSeconds(60), progress);
                try {
                    Files.deleteIfExists(Supervisor.pidFile(cluster.dir()));
                } catch (IOException ignored) {
                    // the pid is checked for liveness anyway
                }
                out.println("Stopped. Data kept in " + cluster.dir() + "; `keks up` resumes it.");
                out.flush();
                stopped.countDown();
            }));
        }

        /** That the background supervisor this start spawned came up (it is checked once, when first needed). */
        void awaitSupervisor(LocalCluster cluster) throws IOException, InterruptedException {
            if (spawned != null) {
                SuperviseCommand.awaitStarted(cluster, spawned);
                spawned = null;
            }
        }
    }

    /**
     * Without -f, the cluster this home holds: the one named by --cluster, the only one, or the only one
     * with nodes running. Empty when the home holds none (the seed's cluster is then started).
     */
    private Optional<String> clusterToResume(ClusterHome home) throws IOException {
        List<String> names = home.clusterNames();
        if (clusterName != null) {
            if (!names.contains(clusterName)) {
                throw new IllegalArgumentException("no cluster " + clusterName + " in " + home.root()
                        + (names.isEmpty() ? "" : " (it holds " + String.join(", ", names) + ")") + "; `keks up -f FILE|DIR` starts a new one");
            }
            return Optional.of(clusterName);
        }
        if (names.size() <= 1) {
            return names.stream().findFirst();
        }
        List<String> running = new ArrayList<>();
        for (String name : names) {
            if (LocalCluster.open(home, name).anyNodeRunning()) {
                running.add(name);
            }
        }
        if (running.size() == 1) {
            return Optional.of(running.get(0));
        }
        throw new IllegalArgumentException(home.root() + " holds the clusters " + String.join(", ", names)
                + "; say which to bring back with `keks up --cluster NAME`, or give manifests with -f");
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static void heapNotes(LocalCluster cluster, PrintWriter out) {
        Set<String> pools = new HashSet<>();
        for (DesiredNode n : cluster.desired().nodes()) {
            if (n.heap().scaledDown() && pools.add(n.pool())) {
                out.println("note: pool " + n.pool() + " asks for " + n.heap().requested() + " per node; here each node gets -Xmx"
                        + n.heap().xmx() + " (starting at -Xms" + n.heap().xms() + ") so " + cluster.desired().nodes().size() + " nodes fit this machine (--max-heap to change)");
            }
        }
    }

    /** Prints what is ready and how to use it; returns how many KafkaUsers are not ready. */
    private static int summary(LocalCluster cluster, ClusterStatus s, List<TopicStatus> topics,
                               LocalUsers.Reconciled users, double seconds, PrintWriter out) {
        out.println();
        out.printf("Kafka cluster %s is ready in %.1f s (Kafka %s, KRaft, cluster id %s)%n", s.name(), seconds,
                s.kafkaVersion(), s.clusterId());
        out.println();
        StatusPrinter.nodes(out, s);
        out.println();
        for (ListenerSpec l : cluster.desired().listeners()) {
            out.println("Bootstrap (" + l.name() + (l.tls() ? ", TLS" : "") + "): " + cluster.connections().bootstrap(l));
        }
        if (cluster.desired().listeners().stream().anyMatch(ListenerSpec::tls)) {
            out.println("  TLS clients trust " + cluster.dir().resolve("ca").resolve("ca.crt") + " (PKCS12: ca/truststore.p12)");
        }
        s.nodes().stream().filter(n -> n.metricsUrl() != null).findFirst().ifPresent(n -> out.println("Metrics:  " + n.metricsUrl()
                + " (" + n.name() + "; every node's URL: ./keks status -o json)"));
        if (s.exporterUrl() != null) {
            out.println("Lag:      " + s.exporterUrl() + " (consumer lag, kafka_exporter's metric names)");
        }
        out.println("Dashboard: " + cluster.dashboardUrl() + " (the cluster at a glance; ./keks dashboard)");
        TopicLines.print(topics, -1, out);
        int usersNotReady = UserLines.print(users, out);
        String topic = topics.isEmpty() ? "my-topic" : topics.get(0).topicName();
        // on a listener that asks clients to log in, the hints name a user too
        String as = cluster.desired().listeners().get(0).scram() && !users.users().isEmpty()
                ? " --user " + users.users().get(0).name() : "";
        out.println();
        out.println("Produce:  echo hello | ./keks produce " + topic + as);
        out.println("Consume:  ./keks consume " + topic + as + " --from-beginning");
        if (!as.isEmpty()) {
            out.println("Log in:   ./keks credentials " + users.users().get(0).name() + "   (client properties for any Kafka client)");
        }
        out.println("Status:   ./keks status");
        out.println("Stop:     ./keks down        (data is kept; --delete-data removes it)");
        out.flush();
        return usersNotReady;
    }

    /** Prints a line whenever a node changes state, until Ctrl-C stops the cluster. */
    private static void liveStatus(LocalCluster cluster, Admin admin, PrintWriter out, CountDownLatch stopped,
                                   AtomicBoolean stopping) throws InterruptedException {
        out.println("Watching the cluster; Ctrl-C stops it.");
        out.flush();
        String last = "";
        while (!stopped.await(2, TimeUnit.SECONDS)) {
            ClusterStatus s = ClusterStatus.of(cluster, admin, 2000);
            StringBuilder line = new StringBuilder(s.ready() ? "ready" : "NOT ready");
            s.nodes().forEach(n -> line.append(", ").append(n.name()).append(' ').append(n.state()));
            if (!line.toString().equals(last) && !stopping.get()) {
                out.println(LocalTime.now().withNano(0) + "  " + line);
                out.flush();
                last = line.toString();
            }
        }
    }
}
