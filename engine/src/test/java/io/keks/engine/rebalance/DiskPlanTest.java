package io.keks.engine.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DiskPlanTest {
    static final long GB = 1L << 30;

    static TopicPartition tp(int p) {
        return new TopicPartition("t", p);
    }

    @Test
    void aVolumeIsFoundByItsDataDirectoryAsKeksAndStrimziMountIt() {
        assertThat(DiskPlan.volumeOf("/var/lib/kafka/data-1/kafka-log3")).hasValue(1);
        assertThat(DiskPlan.volumeOf("/home/u/.keks/clusters/c/nodes/0/data-12/kafka-log0")).hasValue(12);
        assertThat(DiskPlan.volumeOf("/tmp/kafka-logs")).isEmpty();
    }

    @Test
    void replicasGoLargestFirstToTheVolumeWithTheMostRoomLeft() throws Exception {
        var dirs = Map.of(0, List.of(
                new DiskPlan.LogDir("/n/data-0/kafka-log0", 10 * GB, 6 * GB, Map.of()),
                new DiskPlan.LogDir("/n/data-1/kafka-log0", 10 * GB, 5 * GB, Map.of(tp(0), 3 * GB, tp(1), GB, tp(2), 2 * GB)),
                new DiskPlan.LogDir("/n/data-2/kafka-log0", 10 * GB, 7 * GB, Map.of())));
        List<DiskPlan.Move> moves = DiskPlan.plan(dirs, Map.of(0, List.of(1)));
        // room before the 80 % line: data-0 4 GB, data-2 5 GB; then 2 GB each, and the first path wins the tie
        assertThat(moves).extracting(DiskPlan.Move::partition, DiskPlan.Move::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(tp(0), "/n/data-2/kafka-log0"),
                org.assertj.core.groups.Tuple.tuple(tp(2), "/n/data-0/kafka-log0"),
                org.assertj.core.groups.Tuple.tuple(tp(1), "/n/data-0/kafka-log0"));
    }

    @Test
    void whatCannotBeDoneIsRefusedWithTheReason() {
        var dirs = Map.of(0, List.of(new DiskPlan.LogDir("/n/data-0/kafka-log0", 10 * GB, 3 * GB, Map.of()),
                new DiskPlan.LogDir("/n/data-1/kafka-log0", 10 * GB, 5 * GB, Map.of(tp(0), 2 * GB))));
        assertThatThrownBy(() -> DiskPlan.plan(dirs, Map.of(0, List.of(7)))).hasMessage("broker 0 has no volume 7; its volumes are [0, 1]");
        assertThatThrownBy(() -> DiskPlan.plan(dirs, Map.of(0, List.of(0, 1)))).hasMessageContaining("would leave broker 0 no log directory");
        assertThatThrownBy(() -> DiskPlan.plan(dirs, Map.of(3, List.of(1)))).hasMessageContaining("names broker 3");
        // data-0 has 3 GB free of 10: 1 GB before the 80 % line, less than the 2 GB replica
        assertThatThrownBy(() -> DiskPlan.plan(dirs, Map.of(0, List.of(1)))).hasMessageContaining("has not room for t-0 (2048 MiB)");
    }
}
