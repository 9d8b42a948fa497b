package io.keks.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** Each topic's min.insync.replicas as Kafka resolves it (the topic's own, else the broker's or cluster's default). */
public final class MinInSyncReplicas {
    private MinInSyncReplicas() {
    }

    /** By topic name; a topic Kafka gave no value for is left out (callers take 1). */
    public static Map<String, Integer> of(Admin admin, Collection<String> topics, long timeoutMs) throws Exception {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().sorted().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, Integer> out = new HashMap<>();
        configs.forEach((r, c) -> {
            ConfigEntry e = c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (e != null && e.value() != null) {
                out.put(r.name(), Integer.parseInt(e.value()));
            }
        });
        return out;
    }
}
