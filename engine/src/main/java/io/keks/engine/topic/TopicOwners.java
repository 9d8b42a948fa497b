package io.keks.engine.topic;

import io.keks.model.DesiredTopic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which KafkaTopic manages a Kafka topic that several name. Pure. */
final class TopicOwners {
    private TopicOwners() {
    }

    /**
     * Of KafkaTopics naming the same Kafka topic, the one created first manages it (creation times
     * equal to the second, as Kubernetes keeps them, are settled by name, so every pass agrees; one
     * without a creation time, stored before keks kept them, counts as oldest); each other one gets
     * ResourceConflict.
     */
    static List<DesiredTopic> withoutConflicts(List<DesiredTopic> desired, Map<String, TopicStatus> status) {
        Map<String, DesiredTopic> owner = new HashMap<>();
        Comparator<DesiredTopic> older = Comparator.<DesiredTopic, Instant>comparing(t -> t.created() == null ? Instant.MIN : t.created())
                .thenComparing(DesiredTopic::resourceName);
        for (DesiredTopic t : desired) {
            owner.merge(t.topicName(), t, (a, b) -> older.compare(b, a) < 0 ? b : a);
        }
        List<DesiredTopic> out = new ArrayList<>();
        for (DesiredTopic t : desired) {
            DesiredTopic o = owner.get(t.topicName());
            if (o == t) {
                out.add(t);
            } else {
                status.put(t.resourceName(), new TopicStatus(t.resourceName(), t.topicName(), false, TopicStatus.RESOURCE_CONFLICT,
                        "Kafka topic " + t.topicName() + " is managed by KafkaTopic " + o.resourceName()
                                + ", which is older; delete this KafkaTopic or give it another spec.topicName", null, 0, 0, null));
            }
        }
        return out;
    }
}
