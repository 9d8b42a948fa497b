package io.keks.engine.roll;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * Whether the KRaft metadata quorum stays available while one controller restarts, and whether a
 * restarted controller has caught up. Pure: it reads a snapshot of describeMetadataQuorum.
 */
public final class QuorumSafety {
    private QuorumSafety() {
    }

    /**
     * One voter or observer as the leader sees it; lastCaughtUp is the leader's clock when it last reached the
     * leader's log end; directoryId is the replica's metadata directory id ("" when Kafka does not say).
     */
    public record Voter(int id, long logEndOffset, OptionalLong lastCaughtUp, String directoryId) {
        public Voter(int id, long logEndOffset, OptionalLong lastCaughtUp) {
            this(id, logEndOffset, lastCaughtUp, "");
        }
    }

    /**
     * The quorum at one moment; leaderId is -1 while there is none. Observers are the nodes that fetch the
     * metadata log without a vote: brokers, and controllers not (yet) added as voters.
     */
    public record Snapshot(int leaderId, List<Voter> voters, List<Voter> observers) {
        public Snapshot(int leaderId, List<Voter> voters) {
            this(leaderId, voters, List.of());
        }

        public static Snapshot of(QuorumInfo q) {
            return new Snapshot(q.leaderId(), replicas(q.voters()), replicas(q.observers()));
        }

        private static List<Voter> replicas(List<QuorumInfo.ReplicaState> states) {
            return states.stream().map(v -> new Voter(v.replicaId(), v.logEndOffset(), v.lastCaughtUpTimestamp(),
                    v.replicaDirectoryId() == null ? "" : v.replicaDirectoryId().toString())).toList();
        }

        public boolean isVoter(int id) {
            return voters.stream().anyMatch(v -> v.id() == id);
        }

        /** The node as a voter, else as an observer. */
        public Optional<Voter> replica(int id) {
            return Stream.concat(voters.stream(), observers.stream()).filter(v -> v.id() == id).findFirst();
        }

        public long leaderLogEnd() {
            return voters.stream().filter(v -> v.id() == leaderId).mapToLong(Voter::logEndOffset).findFirst().orElse(-1);
        }

        /**
         * A voter (or an observer) is caught up when it reached the leader's log end within {@code maxLagMs} of the
         * leader's own last catch-up time (Kafka's controller.quorum.fetch.timeout.ms is the natural bound).
         */
        public boolean caughtUp(int id, long maxLagMs) {
            if (leaderId < 0) {
                return false;
            }
            if (id == leaderId) {
                return true;
            }
            Voter leader = voters.stream().filter(v -> v.id() == leaderId).findFirst().orElse(null);
            Voter voter = replica(id).orElse(null);
            if (leader == null || voter == null || voter.lastCaughtUp().isEmpty()) {
                return false;
            }
            long reference = leader.lastCaughtUp().orElse(voter.lastCaughtUp().getAsLong());
            return reference - voter.lastCaughtUp().getAsLong() <= maxLagMs;
        }
    }

    /**
     * Why restarting {@code candidate} now would cost the quorum its majority, or null when it is
     * safe: without the candidate, more than half of all voters must be caught up with the leader.
     */
    public static String whyNot(Snapshot q, int candidate, long maxLagMs) {
        if (q.leaderId() < 0) {
            return "the metadata quorum has no leader";
        }
        int voters = q.voters().size();
        if (voters == 1) {
            return null; // one voter: any restart is an outage, which the caller says up front
        }
        long caughtUp = q.voters().stream().filter(v -> v.id() != candidate && q.caughtUp(v.id(), maxLagMs)).count();
        int majority = voters / 2 + 1;
        if (caughtUp < majority) {
            List<Integer> behind = q.voters().stream().filter(v -> v.id() != candidate && !q.caughtUp(v.id(), maxLagMs))
                    .map(Voter::id).toList();
            return "without controller " + candidate + " only " + caughtUp + " of " + voters + " voters are caught up (need "
                    + majority + "; behind: " + behind + ")";
        }
        return null;
    }
}
