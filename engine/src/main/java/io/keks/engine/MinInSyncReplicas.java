package io.keks.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** Each topic's min.insync.replicas as Kafka resolves it (the topic's own, else the broker's or cluster's default). */
public final class MinInSyncReplicas {
    private MinInSyncReplicas() {
    }

    /** By topic name; 1 for a topic Kafka gave no value for ({@link PartitionAvailability#settings}). */
    public static Map<String, Integer> of(Admin admin, Collection<String> topics, long timeoutMs) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        PartitionAvailability.settings(admin, topics, timeoutMs).forEach((topic, s) -> out.put(topic, s.minIsr()));
        return out;
    }
}
