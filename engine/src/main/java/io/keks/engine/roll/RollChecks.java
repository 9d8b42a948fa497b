package io.keks.engine.roll;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** The decisions {@link Roller} takes from what Kafka describes, apart from its waiting. Pure. */
final class RollChecks {
    private RollChecks() {
    }

    /**
     * Why the brokers of a rack may not restart together, or empty when they may: every broker needs a
     * rack, and every partition replicas in more than one rack.
     *
     * @param rackOf each broker's rack, null when it has none
     */
    static Optional<String> whyNotByRack(Map<Integer, String> rackOf, Collection<TopicDescription> topics) {
        if (rackOf.values().stream().anyMatch(Objects::isNull)) {
            return Optional.of("not every broker has a rack");
        }
        for (TopicDescription t : topics) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.replicas().stream().map(r -> rackOf.get(r.id())).distinct().count() < 2) {
                    return Optional.of(t.name() + "-" + p.partition() + " has all its replicas in one rack");
                }
            }
        }
        return Optional.empty();
    }

    /** The partitions whose preferred leader (first replica) is one of {@code restarted} but does not lead them now. */
    static Set<TopicPartition> leadersToRestore(Set<Integer> restarted, Collection<TopicDescription> topics) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (TopicDescription t : topics) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (!p.replicas().isEmpty() && restarted.contains(p.replicas().get(0).id())
                        && (p.leader() == null || p.leader().id() != p.replicas().get(0).id())) {
                    partitions.add(new TopicPartition(t.name(), p.partition()));
                }
            }
        }
        return partitions;
    }

    /**
     * Why restarted controller {@code id} is not back yet, or null when it is: the leader must have seen it
     * reach the leader's log end after {@code stoppedAtMs} (the leader remembers the old process' catch-up
     * for a while, which must not count), at or past where the leader's log ended at the first look after
     * the restart, and within {@code lagMs} of the leader.
     *
     * @param leaderEndAfterRestart the leader's log end offset at the first look after the restart
     */
    static String whyControllerNotBack(QuorumSafety.Snapshot q, int id, String name, long stoppedAtMs,
                                       long leaderEndAfterRestart, long lagMs) {
        if (q.leaderId() < 0) {
            return "the metadata quorum has no leader yet";
        }
        // a controller new to the cluster is not a voter yet: it fetches as an observer until it is added
        QuorumSafety.Voter self = q.replica(id).orElse(null);
        long end = self == null ? -1 : self.logEndOffset();
        boolean fresh = self != null && self.lastCaughtUp().isPresent() && self.lastCaughtUp().getAsLong() > stoppedAtMs;
        if (!fresh) {
            return name + " has not fetched the metadata log from the leader since it restarted";
        }
        if (end < leaderEndAfterRestart || !q.caughtUp(id, lagMs)) {
            return name + " is catching up with the metadata log (at " + end + ", leader was at " + leaderEndAfterRestart + ")";
        }
        return null;
    }
}
