package io.keks.cli;

import io.keks.local.DamagedFileException;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "down", description = {"Stop the cluster, brokers first, then controllers, keeping its data.",
        "`keks up` brings the same cluster back; --delete-data removes it for good."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks down                 stop; keep topics and records", "  keks down --delete-data   stop and remove the cluster for good"})
final class DownCommand implements Callable<Integer> {
    @Mixin
    ClusterOption cluster;

    @Option(names = "--delete-data", description = "Also delete the cluster's data, certificates and state.")
    boolean deleteData;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster c;
        try {
            c = cluster.open();
        } catch (DamagedFileException e) {
            return downWithoutState(cluster.dir(), e, out);
        }
        Optional<ProcessHandle> supervisor = SuperviseCommand.running(c.dir());
        if (supervisor.isPresent()) {
            out.println("Stopping cluster " + c.desired().name() + " (brokers first, then controllers)");
            stop(supervisor.get(), Duration.ofSeconds(180), out);
        }
        if (c.anyNodeRunning()) {
            c.stopAll(Duration.ofSeconds(60), m -> {
                out.println("  " + m);
                out.flush();
            });
        }
        if (deleteData) {
            delete(c.dir());
            out.println("Cluster " + c.desired().name() + " stopped and its data deleted");
        } else {
            out.println("Cluster " + c.desired().name() + " stopped; data kept in " + c.dir());
        }
        return 0;
    }

    /**
     * Stops a cluster whose state.json cannot be read: its supervisor, then each node process its pid file names
     * (brokers first, as their server.properties say), and with --delete-data removes it. Without --delete-data
     * the data stays, and the damage is said again.
     */
    private int downWithoutState(Path dir, DamagedFileException damaged, PrintWriter out) throws Exception {
        out.println("The cluster's state cannot be read; stopping what runs from its files");
        out.flush();
        Optional<ProcessHandle> supervisor = SuperviseCommand.running(dir);
        if (supervisor.isPresent()) {
            out.println("  stopping the supervisor (pid " + supervisor.get().pid() + "), which stops the nodes, brokers first");
            stop(supervisor.get(), Duration.ofSeconds(180), out);
        }
        List<Path> nodes = new ArrayList<>();
        Path nodesDir = dir.resolve("nodes");
        if (Files.isDirectory(nodesDir)) {
            try (Stream<Path> list = Files.list(nodesDir)) {
                nodes.addAll(list.filter(Files::isDirectory).toList());
            }
        }
        // brokers first: a broker stopping after the quorum is gone waits for it
        nodes.sort(Comparator.comparing(n -> isController(n) ? 1 : 0));
        for (Path node : nodes) {
            Optional<ProcessHandle> p = LocalCluster.nodeProcessWithoutState(node);
            if (p.isPresent()) {
                out.println("  stopping " + node.getFileName() + " (pid " + p.get().pid() + ")");
                stop(p.get(), Duration.ofSeconds(60), out);
            }
        }
        if (deleteData) {
            delete(dir);
            out.println("Cluster " + dir.getFileName() + " stopped and its data deleted");
            return 0;
        }
        out.println("Cluster " + dir.getFileName() + " stopped; data kept in " + dir);
        spec.commandLine().getErr().println("error: " + damaged.getMessage());
        return 1;
    }

    /** SIGTERM, and SIGKILL when it has not exited after {@code grace}. */
    private static void stop(ProcessHandle p, Duration grace, PrintWriter out) throws Exception {
        out.flush();
        p.destroy();
        try {
            p.onExit().get(grace.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            out.println("  pid " + p.pid() + " did not stop within " + grace.toSeconds() + " s; killed");
            p.destroyForcibly();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean isController(Path node) {
        try {
            return Files.readAllLines(node.resolve("server.properties")).stream()
                    .anyMatch(l -> l.startsWith("process.roles=") && l.contains("controller"));
        } catch (IOException e) {
            return false;
        }
    }
}
