package io.keks.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

/** Partition offsets and consumer groups' committed offsets, as the Admin API gives them, for whoever reads them. */
public final class Offsets {
    private Offsets() {
    }

    /**
     * Each partition's offset of the kind asked for (latest, earliest). A partition without a leader right now has none to
     * give and is left out; the others are still returned.
     */
    public static Map<TopicPartition, Long> of(Admin admin, Collection<TopicPartition> partitions, OffsetSpec which, long timeoutMs)
            throws InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, which));
        ListOffsetsResult result = admin.listOffsets(request);
        Map<TopicPartition, Long> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (TopicPartition tp : partitions) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                out.put(tp, result.partitionResult(tp).get(left, TimeUnit.NANOSECONDS).offset());
            } catch (ExecutionException | TimeoutException e) {
                // no leader for it now: left out
            }
        }
        return out;
    }

    /** The ids of the consumer groups (classic and KIP-848 ones; not share or streams groups), sorted. */
    public static List<String> consumerGroups(Admin admin, long timeoutMs) throws Exception {
        return admin.listGroups().all().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
                .filter(g -> g.type().map(t -> t == GroupType.CONSUMER || t == GroupType.CLASSIC).orElse(true))
                .map(GroupListing::groupId).sorted().toList();
    }

    /** What each of {@code groups} committed, per partition. */
    public static Map<String, Map<TopicPartition, OffsetAndMetadata>> committed(Admin admin, Collection<String> groups, long timeoutMs)
            throws Exception {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> all = new HashMap<>();
        groups.forEach(g -> all.put(g, new ListConsumerGroupOffsetsSpec()));
        return admin.listConsumerGroupOffsets(all).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
