package io.keks.cli;

import io.keks.local.LocalCluster;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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
        LocalCluster c = cluster.open();
        Optional<ProcessHandle> supervisor = SuperviseCommand.running(c.dir());
        if (supervisor.isPresent()) {
            out.println("Stopping cluster " + c.desired().name() + " (brokers first, then controllers)");
            out.flush();
            supervisor.get().destroy();
            try {
                supervisor.get().onExit().get(180, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                out.println("the supervisor did not stop within 180 s; stopping the nodes directly");
                supervisor.get().destroyForcibly();
            }
        }
        if (c.anyNodeRunning()) {
            c.stopAll(Duration.ofSeconds(60), m -> {
                out.println("  " + m);
                out.flush();
            });
        }
        if (deleteData) {
            try (Stream<Path> walk = Files.walk(c.dir())) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            out.println("Cluster " + c.desired().name() + " stopped and its data deleted");
        } else {
            out.println("Cluster " + c.desired().name() + " stopped; data kept in " + c.dir());
        }
        return 0;
    }
}
