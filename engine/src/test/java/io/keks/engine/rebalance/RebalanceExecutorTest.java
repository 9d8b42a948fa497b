package io.keks.engine.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RebalanceExecutorTest {
    static TopicPartition tp(int p) {
        return new TopicPartition("t", p);
    }

    @Test
    void atMostSoManyPartitionsMoveIntoOrOutOfABrokerAtOnceAndLeaderOnlyChangesAlwaysGo() {
        Map<TopicPartition, List<Integer>> current = Map.of(tp(0), List.of(0, 1), tp(1), List.of(0, 1), tp(2), List.of(1, 2),
                tp(3), List.of(0, 1), tp(4), List.of(1, 0));
        Map<TopicPartition, List<Integer>> pending = new LinkedHashMap<>();
        pending.put(tp(0), List.of(3, 1));   // 0 -> 3
        pending.put(tp(1), List.of(0, 3));   // 1 -> 3: broker 3 is busy
        pending.put(tp(2), List.of(1, 4));   // 2 -> 4
        pending.put(tp(3), List.of(1, 0));   // leader only: costs nothing
        pending.put(tp(4), List.of(5, 0));   // 1 -> 5
        assertThat(RebalanceExecutor.admit(pending, current, 1, Map.of()).keySet()).containsExactly(tp(0), tp(2), tp(3), tp(4));
        assertThat(RebalanceExecutor.admit(pending, current, 2, Map.of()).keySet()).containsExactly(tp(0), tp(1), tp(2), tp(3), tp(4));
        // with one move already under way into broker 3 and one out of broker 1, only those leaving them alone start
        assertThat(RebalanceExecutor.admit(pending, current, 1, Map.of(3, 1, 1, 1)).keySet()).containsExactly(tp(2), tp(3));
    }
}
