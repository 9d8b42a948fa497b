package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.local.Supervisor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The background process of {@code keks up -d}: keeps the nodes running until {@code keks down}. */
@Command(name = "supervise", hidden = true, description = "Run the supervisor of a cluster (started by `keks up -d`).")
final class SuperviseCommand implements Callable<Integer> {
    /** Marks the supervisor's command line, so a reused pid is not taken for it. */
    static final String MARKER = "-Dkeks.supervisor";

    @Mixin
    ClusterOption cluster;

    @Override
    public Integer call() throws Exception {
        LocalCluster c = cluster.open();
        Path pidFile = Supervisor.pidFile(c.dir());
        Supervisor supervisor = new Supervisor(c, m -> System.out.println(Instant.now() + " " + m));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            supervisor.requestStop();
            supervisor.cluster().stopAll(Duration.ofSeconds(60), m -> System.out.println(Instant.now() + " " + m));
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // liveness of the pid is what counts
            }
            done.countDown();
        }));
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        supervisor.startMissing();
        supervisor.superviseUntilStopped();
        done.await();
        return 0;
    }

    /** The supervisor of the cluster in {@code dir}, if one runs. */
    static Optional<ProcessHandle> running(Path dir) {
        // a pid the system gave to another program since is not the supervisor
        return Supervisor.process(dir)
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains(MARKER) || cmd.contains(Main.class.getName())).orElse(true));
    }

    /** Starts {@code keks supervise} detached from this terminal, logging to supervisor.log. */
    /** Starts the background supervisor; {@link #awaitStarted} then checks that it came up. */
    static Process spawn(LocalCluster cluster) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        // Not under nice, though it starts while the brokers do: the nodes it restarts (in a roll, after a
        // crash) would inherit its priority for good, and then run below the nodes `keks up` started
        // whenever the machine is busy. Without root a process cannot take back a lower priority.
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path archive = cluster.home().cdsCache().resolve("keks-supervise-" + Runtime.version().feature() + ".jsa");
        Files.createDirectories(archive.getParent());
        cmd.add("-XX:SharedArchiveFile=" + archive);
        cmd.add("-XX:+AutoCreateSharedArchive");
        cmd.add("-Xlog:cds=off,cds+dynamic=off");
        // first on the command line: /proc may show only the start of a long class path
        cmd.add(MARKER + "=" + cluster.desired().name());
        // it starts small and grows only when the dashboard or the lag exporter needs more
        cmd.add("-Xms16m");
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dkeks.home=" + cluster.home().root());
        for (String prop : List.of("keks.kafka.bundle", "keks.install.dir")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("supervise");
        cmd.add("--cluster");
        cmd.add(cluster.desired().name());
        Path log = cluster.dir().resolve("supervisor.log");
        Files.deleteIfExists(Supervisor.pidFile(cluster.dir()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return p;
    }

    /** Waits until the supervisor {@link #spawn} started has written its pid file, or fails naming its log. */
    static void awaitStarted(LocalCluster cluster, Process p) throws IOException, InterruptedException {
        Path log = cluster.dir().resolve("supervisor.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        CountDownLatch poll = new CountDownLatch(1);
        while (running(cluster.dir()).isEmpty()) {
            if (!p.isAlive() && !Files.exists(Supervisor.pidFile(cluster.dir()))) {
                throw new IOException("the supervisor exited at once; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the supervisor did not start within 60 s; see " + log);
            }
            poll.await(50, TimeUnit.MILLISECONDS);
        }
    }
}
