package io.keks.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.keks.model.manifest.Manifests;

/** Shared by the tests that run clusters in a temporary KEKS_HOME: what they leave behind goes. */
public final class TestHomes {
    private TestHomes() {
    }

    /**
     * Applies {@code manifests} as a new cluster in {@code home} the way the tests that start Kafka want
     * it: free ports (so tests never meet a cluster already running here), 512 MiB heaps and the Kafka
     * bundled with the build. Nothing is started.
     */
    public static LocalCluster apply(Path home, Manifests manifests) throws IOException {
        return LocalCluster.apply(new ClusterHome(home), manifests,
                new LocalCluster.Options(PortShifts.free(), 512L << 20, LocalCluster.Options.bundleFromSystem()), Progress.SILENT);
    }

    /**
     * Kills every process a test left running in {@code home}, by the pid it recorded (never by a name
     * pattern), waits until each is gone, then deletes the whole directory with the Kafka versions
     * fetched into it.
     */
    public static void killAndDelete(Path home) throws IOException {
        if (home == null || !Files.exists(home)) {
            return;
        }
        killAll(home);
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Kills every Kafka node and supervisor of {@code home} with SIGKILL, by the pid each recorded and then any
     * process still running with this home's files, and waits until each is gone: what a power cut leaves. The supervisors go first: one still alive would
     * start again the nodes it sees die.
     */
    public static void killAll(Path home) throws IOException {
        try (Stream<Path> pids = Files.walk(home)) {
            for (Path p : pids.filter(f -> f.getFileName().toString().equals("pid")
                    || f.getFileName().toString().equals("supervisor.pid"))
                    .sorted(Comparator.comparing((Path f) -> !f.getFileName().toString().equals("supervisor.pid"))).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                });
            }
        }
        // as a power loss would: also a node the supervisor had just started when it was killed, before it wrote the
        // node's pid file (found by the files of this home in its arguments)
        String dir = home.toString();
        ProcessHandle.allProcesses().filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> h.info().arguments().map(a -> java.util.Arrays.stream(a).anyMatch(x -> x.contains(dir))).orElse(false))
                .forEach(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                });
    }
}
