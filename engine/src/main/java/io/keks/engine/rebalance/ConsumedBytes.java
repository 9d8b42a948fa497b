package io.keks.engine.rebalance;

import io.keks.engine.Offsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * What consumer groups read, as far as the Admin API shows it: how far each group's committed offset of each partition
 * moved between two looks, at the partition's bytes per offset (its log's size over its offsets). Consumers fetch from
 * the partition's leader unless follower fetching is set up, so this is the leader's outbound load beside replication.
 * A group that commits less often than the window is seen reading in bursts; readers outside a group, or that never
 * commit, are not seen at all.
 */
final class ConsumedBytes {
    private static final long CALL_TIMEOUT_MS = 30_000;

    private ConsumedBytes() {
    }

    /** Each consumer group's committed offsets now. */
    static Map<String, Map<TopicPartition, Long>> committed(Admin admin) throws Exception {
        Map<String, Map<TopicPartition, Long>> out = new HashMap<>();
        Offsets.committed(admin, Offsets.consumerGroups(admin, CALL_TIMEOUT_MS), CALL_TIMEOUT_MS).forEach((group, offsets) -> {
            Map<TopicPartition, Long> byPartition = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    byPartition.put(tp, o.offset());
                }
            });
            out.put(group, byPartition);
        });
        return out;
    }

    /**
     * Per partition, the offsets all groups moved through between two looks. Only a group's partition committed at both
     * counts: a group that appears meanwhile did not read its whole history in the window, and an offset reset backwards
     * reads nothing.
     */
    static Map<TopicPartition, Double> offsetsConsumed(Map<String, Map<TopicPartition, Long>> before,
                                                       Map<String, Map<TopicPartition, Long>> after) {
        Map<TopicPartition, Double> out = new HashMap<>();
        after.forEach((group, now) -> {
            Map<TopicPartition, Long> then = before.getOrDefault(group, Map.of());
            now.forEach((tp, offset) -> {
                Long was = then.get(tp);
                if (was != null && offset > was) {
                    out.merge(tp, (double) (offset - was), Double::sum);
                }
            });
        });
        return out;
    }

    /** Each partition's log bytes per offset: its size over the offsets it holds; left out when it holds none. */
    static Map<TopicPartition, Double> bytesPerOffset(Admin admin, Collection<TopicPartition> partitions, Map<TopicPartition, Long> sizes)
            throws InterruptedException {
        Map<TopicPartition, Long> latest = Offsets.of(admin, partitions, OffsetSpec.latest(), CALL_TIMEOUT_MS);
        Map<TopicPartition, Long> earliest = Offsets.of(admin, partitions, OffsetSpec.earliest(), CALL_TIMEOUT_MS);
        Map<TopicPartition, Double> out = new HashMap<>();
        latest.forEach((tp, end) -> {
            long held = end - earliest.getOrDefault(tp, end);
            if (held > 0 && sizes.containsKey(tp)) {
                out.put(tp, (double) sizes.get(tp) / held);
            }
        });
        return out;
    }
}
