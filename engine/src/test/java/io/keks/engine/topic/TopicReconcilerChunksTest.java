package io.keks.engine.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicReconcilerChunksTest {
    @Test
    void aLargeBatchIsSplitBelowTheControllersRecordLimitKeepingOrderAndEveryItem() {
        Map<String, Integer> records = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            records.put("t" + i, 2);
        }
        List<Map<String, Integer>> chunks = TopicReconciler.chunks(records, r -> r);
        assertThat(chunks).hasSize(4).allSatisfy(c -> assertThat(c.values().stream().mapToInt(Integer::intValue).sum())
                .isLessThanOrEqualTo(TopicReconciler.RECORDS_PER_CALL));
        assertThat(chunks.stream().flatMap(c -> c.keySet().stream()).toList()).containsExactlyElementsOf(records.keySet());
    }

    @Test
    void oneItemLargerThanTheLimitStillGoesAlone() {
        Map<String, Integer> records = new LinkedHashMap<>(Map.of("huge", 9_000));
        records.put("small", 1);
        assertThat(TopicReconciler.chunks(records, r -> r)).hasSize(2);
    }
}
