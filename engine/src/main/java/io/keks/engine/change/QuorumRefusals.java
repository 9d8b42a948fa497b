package io.keks.engine.change;

import io.keks.engine.ClusterObserver;
import io.keks.engine.roll.QuorumSafety;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Whether the controllers of a running cluster may change now: the metadata quorum must be dynamic (formatted with
 * {@code controller.quorum.bootstrap.servers}, {@code kraft.version} 1, as every cluster keks makes), have a leader,
 * and, when voters leave, have every voter caught up, so no removal waits on a voter that is behind.
 */
public final class QuorumRefusals {
    /** How far behind the leader's last catch-up a voter may be and still count as caught up (controller.quorum.fetch.timeout.ms). */
    private static final long LAG_MS = 2_000;
    /** How long a quorum without leader, or with a voter behind, is looked at again before the change is refused. */
    private static final long SETTLE_MS = 15_000;

    private QuorumRefusals() {
    }

    /**
     * Looks again for up to {@link #SETTLE_MS} while only a passing state refuses the change (no leader during an
     * election, a voter that restarted a moment ago): a refusal holds only when it held for that long.
     */
    public static List<String> of(Admin admin, Set<Integer> was, Set<Integer> now, long timeoutMs)
            throws Exception {
        OptionalInt kraft = ClusterObserver.finalizedLevel(admin, "kraft.version", timeoutMs);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (true) {
            QuorumSafety.Snapshot q = QuorumSafety.Snapshot.of(admin.describeMetadataQuorum().quorumInfo()
                    .get(timeoutMs, TimeUnit.MILLISECONDS));
            List<String> refused = of(kraft, q, was, now);
            if (refused.isEmpty() || kraft.orElse(0) < 1 || System.nanoTime() > deadline) {
                return refused;
            }
            Thread.sleep(500);
        }
    }

    /** The same, pure: from the finalized kraft.version and a snapshot of the quorum. */
    static List<String> of(OptionalInt kraftVersion, QuorumSafety.Snapshot q, Set<Integer> was, Set<Integer> now) {
        List<String> refused = new ArrayList<>();
        String change = "the controllers would change from " + was + " to " + now;
        if (kraftVersion.isEmpty() || kraftVersion.getAsInt() < 1) {
            refused.add(change + ", but the metadata quorum is static (kraft.version " + (kraftVersion.isEmpty() ? 0 : kraftVersion.getAsInt())
                    + ": formatted with controller.quorum.voters), and a static quorum cannot change its voters; on Kafka 4.1 or newer"
                    + " make it dynamic first with `kafka-features.sh --bootstrap-server HOST:PORT upgrade --feature kraft.version=1`"
                    + " (it needs metadata.version 3.9-IV0 or newer), then apply this again; keep the controllers as they are"
                    + " meanwhile");
            return refused;
        }
        if (q.leaderId() < 0) {
            refused.add(change + ", but the metadata quorum has no leader now; apply this again once it has one");
            return refused;
        }
        boolean leaving = was.stream().anyMatch(id -> !now.contains(id));
        List<Integer> behind = q.voters().stream().map(QuorumSafety.Voter::id).filter(id -> !q.caughtUp(id, LAG_MS)).sorted().toList();
        if (leaving && !behind.isEmpty()) {
            refused.add(change + ", but voter(s) " + behind + " of the metadata quorum are not caught up with the leader; removing"
                    + " a voter now could leave the quorum without a caught-up majority; bring them back (see `keks status`),"
                    + " then apply this again");
        }
        return refused;
    }
}
