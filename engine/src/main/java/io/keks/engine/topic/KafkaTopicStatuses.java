package io.keks.engine.topic;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import io.strimzi.api.kafka.model.topic.ReplicasChangeState;
import io.strimzi.api.kafka.model.topic.ReplicasChangeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A KafkaTopic's status as Strimzi users read it, from what a reconciliation concluded: one
 * condition (Ready, or ReconciliationPaused), topicName, topicId, observedGeneration and a
 * replicasChange under way. The operator writes it to the resource; {@code keks get} prints it.
 */
public final class KafkaTopicStatuses {
    private KafkaTopicStatuses() {
    }

    /** The condition for {@code s}: Ready True, Ready False with its reason, or ReconciliationPaused. */
    public static Condition conditionFor(KafkaTopic t, TopicStatus s, Instant now) {
        if (TopicStatus.PAUSED.equals(s.reason())) {
            return condition(t, "ReconciliationPaused", "True", null, null, now);
        }
        if (TopicStatus.UNMANAGED.equals(s.reason())) {
            return condition(t, "Ready", "True", s.reason(), s.message(), now);
        }
        return s.ready() ? condition(t, "Ready", "True", null, null, now) : condition(t, "Ready", "False", s.reason(), s.message(), now);
    }

    /** The status with {@code condition}; {@code s} may be null (the topic was not reconciled: no id is known but the last one). */
    public static KafkaTopicStatus status(KafkaTopic topic, TopicStatus s, Condition condition) {
        KafkaTopicStatus status = new KafkaTopicStatus();
        status.setObservedGeneration(Optional.ofNullable(topic.getMetadata().getGeneration()).orElse(0L));
        status.setConditions(List.of(condition));
        status.setTopicName(topic.getSpec() != null && topic.getSpec().getTopicName() != null
                ? topic.getSpec().getTopicName() : topic.getMetadata().getName());
        if (s != null && s.topicId() != null) {
            status.setTopicId(s.topicId());
        } else if (topic.getStatus() != null) {
            status.setTopicId(topic.getStatus().getTopicId());
        }
        if (s != null && s.replicasChange() != null) {
            ReplicasChangeStatus change = new ReplicasChangeStatus();
            change.setTargetReplicas(s.replicasChange().targetReplicas());
            change.setState(ReplicasChangeState.ONGOING);
            change.setMessage(s.replicasChange().message());
            status.setReplicasChange(change);
        }
        return status;
    }

    /** A condition keeps the last transition time of the topic's status while it stays the same; else it changed {@code now}. */
    public static Condition condition(KafkaTopic t, String type, String status, String reason, String message, Instant now) {
        String since = Optional.ofNullable(t.getStatus()).map(KafkaTopicStatus::getConditions).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()) && Objects.equals(reason, c.getReason()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now.toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }
}
