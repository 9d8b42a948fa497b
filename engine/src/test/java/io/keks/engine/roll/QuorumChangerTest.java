package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** When a controller may join or leave the metadata quorum's voters, decided from one look at the quorum. */
class QuorumChangerTest {
    static QuorumSafety.Voter replica(int id, long end, long caughtUpAt) {
        return new QuorumSafety.Voter(id, end, caughtUpAt < 0 ? OptionalLong.empty() : OptionalLong.of(caughtUpAt), "dir-" + id);
    }

    @Test
    void aNewControllerIsAddedOnlyOnceItFetchesAndHasCaughtUp() {
        List<QuorumSafety.Voter> voters = List.of(replica(3, 100, 10_000), replica(4, 100, 9_900), replica(5, 100, 9_950));
        assertThat(QuorumChanger.whyNotAddable(new QuorumSafety.Snapshot(3, voters, List.of()), 6, "c-6", 2000))
                .isEqualTo("c-6 does not fetch the metadata log yet");
        assertThat(QuorumChanger.whyNotAddable(new QuorumSafety.Snapshot(3, voters, List.of(replica(6, 40, 3_000))), 6, "c-6", 2000))
                .startsWith("c-6 is catching up with the metadata log (at 40, leader at 100)");
        assertThat(QuorumChanger.whyNotAddable(new QuorumSafety.Snapshot(3, voters, List.of(replica(6, 100, 9_990))), 6, "c-6", 2000))
                .isNull();
        assertThat(QuorumChanger.whyNotAddable(new QuorumSafety.Snapshot(-1, voters, List.of(replica(6, 100, 9_990))), 6, "c-6", 2000))
                .isEqualTo("the metadata quorum has no leader");
        QuorumSafety.Voter noDirectory = new QuorumSafety.Voter(6, 100, OptionalLong.of(9_990), "");
        assertThat(QuorumChanger.whyNotAddable(new QuorumSafety.Snapshot(3, voters, List.of(noDirectory)), 6, "c-6", 2000))
                .contains("without a directory id");
    }

    @Test
    void aVoterIsRemovedOnlyWhileTheVotersThatStayKeepACaughtUpMajority() {
        // five voters, two of the staying ones behind: without 7, 2 of 4 are caught up, and 4 need 3
        var q = new QuorumSafety.Snapshot(3, List.of(replica(3, 100, 10_000), replica(4, 100, 9_900), replica(5, 60, 4_000),
                replica(6, 60, 4_000), replica(7, 100, 9_900)));
        assertThat(QuorumChanger.whyNotRemovable(q, 7, "c-7", 2000))
                .isEqualTo("without c-7 only 2 of the 4 voters that stay are caught up (need 3; behind: [5, 6])");
        var healthy = new QuorumSafety.Snapshot(3, List.of(replica(3, 100, 10_000), replica(4, 100, 9_900), replica(5, 100, 9_800),
                replica(6, 100, 9_700), replica(7, 100, 9_900)));
        assertThat(QuorumChanger.whyNotRemovable(healthy, 7, "c-7", 2000)).isNull();
        // the active controller may go too: it steps down once its removal is committed
        assertThat(QuorumChanger.whyNotRemovable(healthy, 3, "c-3", 2000)).isNull();
        assertThat(QuorumChanger.whyNotRemovable(new QuorumSafety.Snapshot(3, List.of(replica(3, 100, 10_000))), 3, "c-3", 2000))
                .contains("is the last voter");
        assertThat(QuorumChanger.whyNotRemovable(new QuorumSafety.Snapshot(-1, healthy.voters()), 7, "c-7", 2000))
                .isEqualTo("the metadata quorum has no leader");
    }
}
