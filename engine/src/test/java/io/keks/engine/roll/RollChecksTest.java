package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/** The Roller's decisions from what Kafka describes: rack batches, leaders to give back, a controller being back. */
class RollChecksTest {
    static List<Node> nodes(int... ids) {
        return Arrays.stream(ids).mapToObj(i -> new Node(i, "h", 9092)).toList();
    }

    /** One partition per replica list; {@code leaders[i]} leads partition i (-1: none). */
    static TopicDescription topic(String name, int[] leaders, int[]... replicas) {
        List<TopicPartitionInfo> ps = new java.util.ArrayList<>();
        for (int i = 0; i < replicas.length; i++) {
            Node leader = leaders[i] < 0 ? null : new Node(leaders[i], "h", 9092);
            ps.add(new TopicPartitionInfo(i, leader, nodes(replicas[i]), nodes(replicas[i])));
        }
        return new TopicDescription(name, false, ps);
    }

    @Test
    void brokersOfARackRestartTogetherOnlyWhenEveryPartitionSpansRacks() {
        Map<Integer, String> racks = Map.of(0, "a", 1, "b", 2, "c");
        var spread = topic("spread", new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 2});
        assertThat(RollChecks.whyNotByRack(racks, List.of(spread))).isEmpty();

        Map<Integer, String> twoInA = Map.of(0, "a", 1, "a", 2, "c");
        assertThat(RollChecks.whyNotByRack(twoInA, List.of(spread))).hasValue("spread-0 has all its replicas in one rack");

        Map<Integer, String> oneWithout = new HashMap<>(racks);
        oneWithout.put(2, null);
        assertThat(RollChecks.whyNotByRack(oneWithout, List.of())).hasValue("not every broker has a rack");
    }

    @Test
    void leadershipGoesBackOnlyWherePreferredLeaderRestartedAndDoesNotLead() {
        // partition 0 prefers 1, led by 2; partition 1 prefers 1 and 1 leads; partition 2 prefers 2, led by 0; 3 has no leader
        var t = topic("t", new int[] {2, 1, 0, -1}, new int[] {1, 2}, new int[] {1, 2}, new int[] {2, 0}, new int[] {1, 0});
        assertThat(RollChecks.leadersToRestore(Set.of(1), List.of(t)))
                .containsExactlyInAnyOrder(new TopicPartition("t", 0), new TopicPartition("t", 3));
        assertThat(RollChecks.leadersToRestore(Set.of(2), List.of(t))).containsExactly(new TopicPartition("t", 2));
        assertThat(RollChecks.leadersToRestore(Set.of(7), List.of(t))).isEmpty();
    }

    static QuorumSafety.Voter voter(int id, long end, long caughtUp) {
        return SafetyTest.voter(id, end, caughtUp);
    }

    @Test
    void aRestartedControllerIsBackOnlyAfterTheLeaderSawItCatchUpSinceItStopped() {
        long stoppedAt = 5_000;
        // the leader still remembers the old process catching up at 4,900: that does not count
        var stale = new QuorumSafety.Snapshot(3, List.of(voter(3, 100, 10_000), voter(4, 100, 4_900)));
        assertThat(RollChecks.whyControllerNotBack(stale, 4, "c-4", stoppedAt, 100, 2000))
                .isEqualTo("c-4 has not fetched the metadata log from the leader since it restarted");

        // fetched since, but not yet to where the leader's log ended when the node came back
        var behind = new QuorumSafety.Snapshot(3, List.of(voter(3, 120, 10_000), voter(4, 90, 9_900)));
        assertThat(RollChecks.whyControllerNotBack(behind, 4, "c-4", stoppedAt, 100, 2000))
                .isEqualTo("c-4 is catching up with the metadata log (at 90, leader was at 100)");

        // at the log end, but its last catch-up is further behind the leader's than the lag allowed
        var lagging = new QuorumSafety.Snapshot(3, List.of(voter(3, 120, 10_000), voter(4, 120, 6_000)));
        assertThat(RollChecks.whyControllerNotBack(lagging, 4, "c-4", stoppedAt, 100, 2000)).contains("catching up");

        var back = new QuorumSafety.Snapshot(3, List.of(voter(3, 120, 10_000), voter(4, 120, 9_500)));
        assertThat(RollChecks.whyControllerNotBack(back, 4, "c-4", stoppedAt, 100, 2000)).isNull();

        var leaderless = new QuorumSafety.Snapshot(-1, back.voters());
        assertThat(RollChecks.whyControllerNotBack(leaderless, 4, "c-4", stoppedAt, 100, 2000)).contains("no leader");
    }
}
