package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.local.RollRecord;
import io.keks.local.RollRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Hands a roll to the cluster's supervisor and, unless told not to wait, prints its progress until it ends. */
final class RollFollower {
    private RollFollower() {
    }

    /** Why no roll can be asked for now (no supervisor to do it, or another change under way), if so. */
    static Optional<String> refusal(LocalCluster cluster) {
        if (SuperviseCommand.running(cluster.dir()).isEmpty()) {
            return Optional.of("no supervisor runs cluster " + cluster.desired().name() + ", and the supervisor does the"
                    + " restarts; `keks up -d` starts one, then run this again");
        }
        var underWay = RollRecord.read(cluster.dir()).filter(r -> !r.finished());
        if (underWay.isPresent()) {
            var events = underWay.get().events();
            return Optional.of("a change is already under way" + (events.isEmpty() ? "" : " ("
                    + events.get(events.size() - 1).message() + ")") + "; one change runs at a time: `keks status` shows it;"
                    + " run this again once it is done");
        }
        return Optional.empty();
    }

    /** Asks the supervisor for the change of nodes, restarting {@code manual} nodes in any case, and follows it unless told not to. */
    static int request(LocalCluster cluster, Set<Integer> manual, RollOptions options, long drainThrottleBytes,
                       PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Optional<String> refused = refusal(cluster);
        if (refused.isPresent()) {
            err.println("error: " + refused.get());
            err.flush();
            return 1;
        }
        RollRequest request = RollRequest.of(manual, options.byRack, options.timeoutSeconds, drainThrottleBytes);
        request.write(cluster.dir());
        if (options.noWait) {
            out.println("The supervisor makes the change in the background; `keks status` shows the progress.");
            out.flush();
            return 0;
        }
        return follow(cluster, request.id(), 0, out, err);
    }

    /**
     * The request of the change a supervisor stopped in the middle of (killed, or the machine lost power), which the
     * next supervisor takes up again; read by {@code keks up} before it starts that supervisor.
     */
    static Optional<String> cutShort(LocalCluster cluster) {
        Optional<RollRecord> cut = RollRecord.read(cluster.dir()).filter(r -> !r.finished());
        Optional<RollRequest> asked = RollRequest.read(cluster.dir());
        return cut.filter(r -> asked.isPresent() && asked.get().id().equals(r.requestId())).map(RollRecord::requestId);
    }

    /**
     * Follows the change {@link #cutShort} named as the supervisor that runs now carries it out, however far it got
     * before this looks (also done already).
     */
    static int followResumed(LocalCluster cluster, String requestId, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<Instant> supervisorStart = SuperviseCommand.running(cluster.dir()).flatMap(p -> p.info().startInstant());
        if (supervisorStart.isEmpty()) {
            err.println("error: no supervisor runs cluster " + cluster.desired().name() + " to finish the change it was making; see "
                    + cluster.dir().resolve("supervisor.log"));
            err.flush();
            return 1;
        }
        out.println("  the change the supervisor before stopped in the middle of is taken up again");
        out.flush();
        // the record the stopped supervisor left is older than the supervisor that runs now
        return follow(cluster, requestId, supervisorStart.get().toEpochMilli(), out, err);
    }

    /**
     * Prints the events of the roll of request {@code id} until it ends.
     *
     * @param notBefore a record started before this time (epoch ms) is one a stopped supervisor left, and is not
     *                  followed: only the one the supervisor that runs now writes
     */
    private static int follow(LocalCluster cluster, String id, long notBefore, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        int seen = 0;
        long pickUpDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            RollRecord r = RollRecord.read(cluster.dir()).filter(x -> x.requestId().equals(id) && x.startedAt() >= notBefore).orElse(null);
            if (r != null) {
                for (RollRecord.Event e : r.events()) {
                    if (e.seq() > seen) {
                        out.println("  " + e.message());
                        seen = e.seq();
                    }
                }
                out.flush();
                if (r.finished()) {
                    if (r.failure() != null) {
                        err.println("error: the roll stopped: " + r.failure());
                        err.println("Nodes not yet restarted keep running as they were; `keks status` shows the cluster,"
                                + " and `keks roll` tries again.");
                        err.flush();
                        return 1;
                    }
                    return 0;
                }
            } else if (System.nanoTime() > pickUpDeadline) {
                err.println("error: the supervisor did not take up the restart within 30 s; see "
                        + cluster.dir().resolve("supervisor.log"));
                err.flush();
                return 1;
            }
            if (SuperviseCommand.running(cluster.dir()).isEmpty()) {
                err.println("error: the supervisor stopped during the roll; see " + cluster.dir().resolve("supervisor.log"));
                err.flush();
                return 1;
            }
            never.await(200, TimeUnit.MILLISECONDS);
        }
    }
}
