package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class SafetyTest {
    static List<Node> nodes(int... ids) {
        return Arrays.stream(ids).mapToObj(i -> new Node(i, "h", 9092)).toList();
    }

    static TopicDescription topic(String name, int[] replicas, int... isr) {
        return new TopicDescription(name, false, List.of(new TopicPartitionInfo(0, nodes(isr).get(0), nodes(replicas), nodes(isr))));
    }

    @Test
    void aBrokerInAnIsrThatIsAtItsMinimumMayNotStop() {
        var topics = Map.of("t", topic("t", new int[] {0, 1, 2}, 0, 1));
        var check = PartitionSafety.stopping(Set.of(0), topics, Map.of("t", 2));
        assertThat(check.safe()).isFalse();
        assertThat(check.blocking()).containsExactly("t-0 (ISR [0, 1], min.insync.replicas 2)");
        // the broker outside that ISR does not shrink it
        assertThat(PartitionSafety.stopping(Set.of(2), topics, Map.of("t", 2)).safe()).isTrue();
    }

    @Test
    void aFullIsrAllowsOneBrokerButNotTwo() {
        var topics = Map.of("t", topic("t", new int[] {0, 1, 2}, 0, 1, 2));
        assertThat(PartitionSafety.stopping(Set.of(1), topics, Map.of("t", 2)).safe()).isTrue();
        assertThat(PartitionSafety.stopping(Set.of(1, 2), topics, Map.of("t", 2)).safe()).isFalse();
        // a broker that hosts none of it is not concerned
        assertThat(PartitionSafety.stopping(Set.of(7), Map.of("t", topic("t", new int[] {0, 1}, 0)), Map.of("t", 2)).safe()).isTrue();
    }

    @Test
    void topicsWithNoMoreReplicasThanMinIsrAreReportedButDoNotBlock() {
        var topics = Map.of("single", topic("single", new int[] {0}, 0));
        var check = PartitionSafety.stopping(Set.of(0), topics, Map.of("single", 1));
        assertThat(check.safe()).isTrue();
        assertThat(check.unprotected()).containsExactly("single");
    }

    @Test
    void aRestartedBrokerIsCaughtUpOnlyWhenInEveryIsrItBelongsTo() {
        var topics = Map.of("a", topic("a", new int[] {0, 1, 2}, 1, 2), "b", topic("b", new int[] {1, 2}, 1, 2));
        assertThat(PartitionSafety.notCaughtUp(0, topics)).containsExactly("a-0");
        assertThat(PartitionSafety.notCaughtUp(1, topics)).isEmpty();
    }

    static QuorumSafety.Voter voter(int id, long end, long caughtUp) {
        return new QuorumSafety.Voter(id, end, caughtUp < 0 ? OptionalLong.empty() : OptionalLong.of(caughtUp));
    }

    @Test
    void aControllerMayRestartWhenTheOthersAreAMajorityAndCaughtUp() {
        var q = new QuorumSafety.Snapshot(3, List.of(voter(3, 100, 10_000), voter(4, 100, 9_500), voter(5, 90, 1_000)));
        // 5 is 9 s behind: without 4 only the leader is caught up
        assertThat(QuorumSafety.whyNot(q, 4, 2000)).contains("only 1 of 3 voters are caught up").contains("behind: [5]");
        // restarting the lagging 5 itself leaves 3 and 4
        assertThat(QuorumSafety.whyNot(q, 5, 2000)).isNull();
        var healthy = new QuorumSafety.Snapshot(3, List.of(voter(3, 100, 10_000), voter(4, 100, 9_500), voter(5, 100, 9_900)));
        assertThat(QuorumSafety.whyNot(healthy, 3, 2000)).isNull();
        assertThat(QuorumSafety.whyNot(new QuorumSafety.Snapshot(-1, healthy.voters()), 4, 2000)).contains("no leader");
    }

    @Test
    void aVoterThatNeverCaughtUpIsNotCaughtUp() {
        var q = new QuorumSafety.Snapshot(3, List.of(voter(3, 100, 10_000), voter(4, 0, -1)));
        assertThat(q.caughtUp(4, 2000)).isFalse();
        assertThat(q.caughtUp(3, 2000)).isTrue();
        assertThat(q.leaderLogEnd()).isEqualTo(100);
    }
}
