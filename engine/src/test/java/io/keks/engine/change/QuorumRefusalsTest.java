package io.keks.engine.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.roll.QuorumSafety;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Changes of the controllers refused before anything moves, from what the running quorum says. */
class QuorumRefusalsTest {
    static QuorumSafety.Voter voter(int id, long caughtUpAt) {
        return new QuorumSafety.Voter(id, 100, OptionalLong.of(caughtUpAt), "d" + id);
    }

    static final QuorumSafety.Snapshot HEALTHY = new QuorumSafety.Snapshot(3, List.of(voter(3, 10_000), voter(4, 9_900), voter(5, 9_950)));

    @Test
    void aStaticQuorumIsRefusedWithHowToMakeItDynamic() {
        List<String> refused = QuorumRefusals.of(OptionalInt.of(0), HEALTHY, Set.of(3, 4, 5), Set.of(3, 4, 5, 6, 7));
        assertThat(refused).singleElement().asString().contains("the metadata quorum is static (kraft.version 0",
                "upgrade --feature kraft.version=1", "metadata.version 3.9-IV0");
        assertThat(QuorumRefusals.of(OptionalInt.empty(), HEALTHY, Set.of(3, 4, 5), Set.of(3, 4, 5, 6, 7))).hasSize(1);
    }

    @Test
    void aQuorumWithoutLeaderOrWithAVoterBehindLosesNoVoter() {
        var leaderless = new QuorumSafety.Snapshot(-1, HEALTHY.voters());
        assertThat(QuorumRefusals.of(OptionalInt.of(1), leaderless, Set.of(3, 4, 5), Set.of(3, 4, 5, 6, 7)))
                .singleElement().asString().contains("has no leader now");
        var behind = new QuorumSafety.Snapshot(3, List.of(voter(3, 10_000), voter(4, 9_900), voter(5, 1_000)));
        assertThat(QuorumRefusals.of(OptionalInt.of(1), behind, Set.of(3, 4, 5), Set.of(3, 4)))
                .singleElement().asString().contains("voter(s) [5]", "not caught up");
        // adding needs no voter caught up but the leader's majority, which the change itself waits for
        assertThat(QuorumRefusals.of(OptionalInt.of(1), behind, Set.of(3, 4, 5), Set.of(3, 4, 5, 6, 7))).isEmpty();
        assertThat(QuorumRefusals.of(OptionalInt.of(1), HEALTHY, Set.of(3, 4, 5), Set.of(3, 4))).isEmpty();
    }
}
