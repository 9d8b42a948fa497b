package io.keks.engine.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.DesiredTopic;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Of KafkaTopics naming one Kafka topic, which one manages it: every pass must agree. */
class TopicOwnersTest {
    static DesiredTopic topic(String resource, String topic, Instant created) {
        return new DesiredTopic(resource, topic, OptionalInt.of(1), OptionalInt.of(1), Map.of(), "f.yaml", created, true, false);
    }

    @Test
    void theOlderKafkaTopicManagesTheTopicAndTheOtherIsInConflict() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        DesiredTopic young = topic("young", "orders", t0.plusSeconds(5));
        DesiredTopic old = topic("old", "orders", t0);
        DesiredTopic alone = topic("alone", "payments", t0.plusSeconds(9));
        Map<String, TopicStatus> status = new LinkedHashMap<>();

        assertThat(TopicOwners.withoutConflicts(List.of(young, old, alone), status)).containsExactly(old, alone);
        assertThat(status).containsOnlyKeys("young");
        assertThat(status.get("young").reason()).isEqualTo(TopicStatus.RESOURCE_CONFLICT);
        assertThat(status.get("young").message()).contains("managed by KafkaTopic old");
    }

    @Test
    void equalCreationTimesAreSettledByNameAndAMissingTimeCountsAsOldest() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        DesiredTopic b = topic("b", "orders", t0);
        DesiredTopic a = topic("a", "orders", t0);
        assertThat(TopicOwners.withoutConflicts(List.of(b, a), new LinkedHashMap<>())).containsExactly(a);
        assertThat(TopicOwners.withoutConflicts(List.of(a, b), new LinkedHashMap<>())).containsExactly(a);

        DesiredTopic stored = topic("z-stored-before", "orders", null);
        assertThat(TopicOwners.withoutConflicts(List.of(a, stored), new LinkedHashMap<>())).containsExactly(stored);
    }
}
