package io.keks.engine.roll;

import io.keks.engine.ClusterObserver;
import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.common.Uuid;

/**
 * Changes who votes in the KRaft metadata quorum (KIP-853), one voter at a time and only while the quorum keeps a
 * caught-up majority: a new controller, started and fetching as an observer, is added once it has caught up with
 * the leader; a controller that leaves is removed before it stops, the active one last (it hands leadership over
 * itself once its removal is committed). Each step first looks at what Kafka says, so a change that stopped
 * half-way is taken up where it stopped.
 */
public final class QuorumChanger {
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final Admin admin;
    private final NodeRuntime runtime;
    private final Roller roller;
    private final Roller.Options options;
    private final Roller.Listener listener;

    public QuorumChanger(Admin admin, NodeRuntime runtime, Roller roller, Roller.Options options, Roller.Listener listener) {
        this.admin = admin;
        this.runtime = runtime;
        this.roller = roller;
        this.options = options;
        this.listener = listener;
    }

    /** Adds each controller as a voter, in id order, once it has caught up as an observer. */
    public void add(List<DesiredNode> controllers) throws Roller.RollFailed, InterruptedException {
        for (DesiredNode c : controllers.stream().sorted(Comparator.comparingInt(DesiredNode::id)).toList()) {
            String name = runtime.name(c);
            long started = System.nanoTime();
            String[] directory = {""};
            roller.await(c.id(), name + " to catch up with the metadata log before it votes", () -> {
                QuorumSafety.Snapshot q = roller.quorum().orElse(null);
                String why = whyNotAddable(q, c.id(), name, options.quorumLagMs());
                if (why == null) {
                    directory[0] = q.replica(c.id()).orElseThrow().directoryId();
                }
                return why;
            });
            if (roller.quorum().map(q -> q.isVoter(c.id())).orElse(false)) {
                listener.step(name + " already votes in the metadata quorum");
                continue;
            }
            NodeRuntime.HostPort at = runtime.controlPlane(c);
            listener.step("adding " + name + " to the metadata quorum (" + at.host() + ":" + at.port() + ")");
            roller.await(c.id(), name + " to be added as a voter", () -> {
                QuorumSafety.Snapshot q = roller.quorum().orElse(null);
                if (q != null && q.isVoter(c.id())) {
                    return null;
                }
                admin.addRaftVoter(c.id(), Uuid.fromString(directory[0]), Set.of(new RaftVoterEndpoint(
                        ListenerSpec.CONTROLPLANE.kafkaName(), at.host(), at.port()))).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return name + " was added; waiting for the quorum to list it as a voter";
            });
            listener.step(name + " votes in the metadata quorum (voters now " + voters() + ", " + since(started) + ")");
        }
    }

    /** What is done to a leaving controller between its removal being safe and its vote being removed: it stops. */
    public interface BeforeRemoval {
        void run() throws Exception;
    }

    /** {@code voters} in the order they leave: the active controller last, so leadership moves once. */
    public List<Integer> leavingOrder(List<Integer> voters) throws InterruptedException {
        List<Integer> order = new ArrayList<>(voters);
        int leader = roller.quorum().map(QuorumSafety.Snapshot::leaderId).orElse(-1);
        order.sort(Comparator.comparing((Integer id) -> id == leader).thenComparing(Comparator.naturalOrder()));
        return order;
    }

    /**
     * Removes each voter in {@link #leavingOrder}, each only when the voters that stay keep a caught-up majority;
     * returns once the quorum no longer lists it and has a leader.
     *
     * @param names a node's name for people, by id
     */
    public void remove(List<Integer> voters, IntFunction<String> names) throws Roller.RollFailed, InterruptedException {
        for (int id : leavingOrder(voters)) {
            remove(id, names.apply(id), () -> { });
        }
    }

    /**
     * Removes voter {@code id} once the voters that stay keep a caught-up majority without it: {@code before} runs
     * first (a leaving node stops there: an active controller that stops hands leadership over at once, where one that
     * only loses its vote leads on until its removal is committed, and the brokers then take seconds to find the next),
     * then its vote is removed and the quorum waited for. A node no longer voting is only passed to {@code before}.
     */
    public void remove(int id, String name, BeforeRemoval before) throws Roller.RollFailed, InterruptedException {
        long started = System.nanoTime();
        String[] directory = {""};
        roller.await(id, "the metadata quorum to be safe to remove " + name + " from", () -> {
            QuorumSafety.Snapshot q = roller.quorum().orElse(null);
            if (q == null) {
                return "the metadata quorum cannot be described";
            }
            if (!q.isVoter(id)) {
                return null;
            }
            String why = whyNotRemovable(q, id, name, options.quorumLagMs());
            if (why == null) {
                directory[0] = q.replica(id).orElseThrow().directoryId();
            }
            return why;
        });
        boolean active = roller.quorum().map(q -> q.leaderId() == id).orElse(false);
        Set<Integer> servingBefore = active ? serving() : new TreeSet<>();
        servingBefore.remove(id);
        try {
            before.run();
        } catch (Roller.RollFailed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Roller.RollFailed(id, "cannot stop " + name + ": " + e.getMessage());
        }
        if (directory[0].isEmpty()) {
            listener.step(name + " no longer votes in the metadata quorum");
            return;
        }
        listener.step("removing " + name + " from the metadata quorum" + (active ? " (it was the active controller)" : ""));
        roller.await(id, name + " to be removed from the quorum", () -> {
            QuorumSafety.Snapshot q = roller.quorum().orElse(null);
            if (q != null && !q.isVoter(id) && q.leaderId() >= 0) {
                return null;
            }
            if (q != null && q.isVoter(id) && q.leaderId() >= 0) {
                admin.removeRaftVoter(id, Uuid.fromString(directory[0])).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            return name + " is being removed; waiting for the quorum to list the voters that stay, with a leader among them";
        });
        listener.step(name + " no longer votes (voters now " + voters() + ", " + since(started) + ")");
        if (active) {
            // the brokers learn of the new active controller by themselves; what they forward to it waits until then,
            // and a broker whose heartbeats went unanswered meanwhile is fenced until it reaches it
            roller.await(id, "the brokers to reach the new active controller", () -> {
                admin.listPartitionReassignments().reassignments().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                ObservedCluster now = new ClusterObserver(admin, CALL_TIMEOUT_MS).observe();
                Set<Integer> fenced = servingBefore.stream().filter(b -> !now.brokerServing(b)).collect(Collectors.toCollection(TreeSet::new));
                return fenced.isEmpty() ? null : "brokers " + fenced + " are fenced until they reach the new active controller";
            });
        }
    }

    /** Why controller {@code id} cannot be added as a voter yet; null when it can (or already votes). */
    static String whyNotAddable(QuorumSafety.Snapshot q, int id, String name, long lagMs) {
        if (q == null || q.leaderId() < 0) {
            return "the metadata quorum has no leader";
        }
        if (q.isVoter(id)) {
            return null;
        }
        QuorumSafety.Voter self = q.replica(id).orElse(null);
        if (self == null) {
            return name + " does not fetch the metadata log yet";
        }
        if (self.directoryId().isEmpty() || self.directoryId().equals(Uuid.ZERO_UUID.toString())) {
            return name + " fetches without a directory id (its storage was not formatted for a dynamic quorum)";
        }
        if (!q.caughtUp(id, lagMs)) {
            return name + " is catching up with the metadata log (at " + self.logEndOffset() + ", leader at " + q.leaderLogEnd() + ")";
        }
        return null;
    }

    /**
     * Why voter {@code id} cannot be removed now; null when it can: there is a leader, and without it more than half
     * of the voters that stay are caught up, so the removal commits and the quorum keeps working.
     */
    static String whyNotRemovable(QuorumSafety.Snapshot q, int id, String name, long lagMs) {
        if (q.leaderId() < 0) {
            return "the metadata quorum has no leader";
        }
        List<QuorumSafety.Voter> staying = q.voters().stream().filter(v -> v.id() != id).toList();
        if (staying.isEmpty()) {
            return name + " is the last voter; a quorum cannot be left without one";
        }
        List<Integer> caughtUp = staying.stream().map(QuorumSafety.Voter::id).filter(v -> q.caughtUp(v, lagMs)).toList();
        int majority = staying.size() / 2 + 1;
        if (caughtUp.size() < majority) {
            return "without " + name + " only " + caughtUp.size() + " of the " + staying.size() + " voters that stay are caught up (need "
                    + majority + "; behind: " + staying.stream().map(QuorumSafety.Voter::id).filter(v -> !caughtUp.contains(v))
                    .toList() + ")";
        }
        return null;
    }

    /** The brokers serving now (a set the caller may change); none when Kafka does not say. */
    private Set<Integer> serving() throws InterruptedException {
        try {
            ObservedCluster o = new ClusterObserver(admin, CALL_TIMEOUT_MS).observe();
            return o.brokers().stream().filter(o::brokerServing).collect(Collectors.toCollection(TreeSet::new));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new TreeSet<>();
        }
    }

    private static String since(long startedNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }

    private String voters() throws InterruptedException {
        return roller.quorum().map(q -> q.voters().stream().map(QuorumSafety.Voter::id).sorted().map(String::valueOf)
                .collect(Collectors.joining(", ", "[", "]"))).orElse("unknown");
    }
}
