package io.keks.local;

import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * Waits, with a bound, until the Admin API shows the cluster started ({@link LocalCluster#isStarted}), reporting
 * what is still missing.
 */
public final class Readiness {
    private Readiness() {
    }

    /**
     * Polls with an Admin client of its own. A client that fails is replaced: its network thread can
     * die on a connection that went wrong while a node was still starting, and would never recover.
     */
    public static ObservedCluster await(LocalCluster cluster, Duration timeout, Progress progress)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        CountDownLatch never = new CountDownLatch(1);
        Admin admin = null;
        try {
            while (true) {
                String waiting;
                try {
                    if (admin == null) {
                        admin = cluster.admin();
                    }
                    ObservedCluster o = cluster.observe(admin, 2000);
                    if (cluster.isStarted(o)) {
                        return o;
                    }
                    waiting = missing(cluster, o);
                } catch (Exception e) {
                    waiting = "waiting for the first broker to answer";
                    if (admin != null && !timedOut(e)) {
                        admin.close(Duration.ZERO);
                        admin = null;
                    }
                }
                if (!waiting.equals(last)) {
                    progress.step(waiting);
                    last = waiting;
                }
                List<DesiredNode> dead = cluster.desired().nodes().stream().filter(n -> cluster.process(n.id()).isEmpty()).toList();
                if (System.nanoTime() > deadline) {
                    throw new IOException("the cluster was not ready after " + timeout.toSeconds() + " s (" + waiting + ")."
                            + hints(cluster, dead));
                }
                never.await(250, TimeUnit.MILLISECONDS);
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
    }

    /** A call that timed out leaves the client usable: keeping it keeps what it learned of the brokers. */
    private static boolean timedOut(Exception e) {
        return e instanceof TimeoutException
                || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
    }

    static String missing(LocalCluster cluster, ObservedCluster o) {
        if (o.quorumLeader().isEmpty()) {
            return "waiting for the controllers to elect a leader";
        }
        String brokers = cluster.desired().brokers().stream().filter(b -> !o.brokerServing(b.id()))
                .map(cluster::nodeName).collect(Collectors.joining(", "));
        String controllers = cluster.desired().controllers().stream().filter(c -> !o.voters().contains(c.id()) && !o.observers().contains(c.id()))
                .map(cluster::nodeName).collect(Collectors.joining(", "));
        if (!brokers.isEmpty()) {
            return "waiting for brokers to register and be unfenced: " + brokers;
        }
        return "waiting for controllers to join the quorum: " + controllers;
    }

    private static String hints(LocalCluster cluster, List<DesiredNode> dead) {
        StringBuilder sb = new StringBuilder();
        for (DesiredNode n : dead) {
            Path log = cluster.logFile(n.id());
            sb.append("\n  ").append(cluster.nodeName(n)).append(" is not running; last lines of ").append(log).append(':');
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                lines.subList(Math.max(0, lines.size() - 5), lines.size()).forEach(l -> sb.append("\n    ").append(l));
            } catch (IOException e) {
                sb.append(" (unreadable)");
            }
        }
        return sb.toString();
    }
}
