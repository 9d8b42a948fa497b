package io.keks.engine;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;

/** Every topic of the cluster, internal ones too, described in one listing and one description. */
public final class AllTopics {
    private AllTopics() {
    }

    /** By name; empty when the cluster has no topic. */
    public static Map<String, TopicDescription> describe(Admin admin, long timeoutMs) throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(timeoutMs, TimeUnit.MILLISECONDS);
        return names.isEmpty() ? Map.of() : admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
