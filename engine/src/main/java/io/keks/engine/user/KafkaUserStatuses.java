package io.keks.engine.user;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A KafkaUser's status as Strimzi users read it: username, the Secret holding its credential (named
 * after the user, when it authenticates), observedGeneration and the Ready condition.
 */
public final class KafkaUserStatuses {
    private KafkaUserStatuses() {
    }

    /**
     * @param username       the name Kafka knows the user by; null when the resource could not be read
     * @param authentication scram-sha-512, tls, tls-external, or null for none
     * @param reason         why it is not ready; null when it is
     */
    public static KafkaUserStatus of(KafkaUser user, String username, String authentication, String reason, String message,
                                     Instant at) {
        KafkaUserStatus s = new KafkaUserStatus();
        s.setObservedGeneration(Optional.ofNullable(user.getMetadata().getGeneration()).orElse(0L));
        s.setUsername(username);
        if (username != null && authentication != null) {
            s.setSecret(user.getMetadata().getName());
        }
        Condition ready = reason == null
                ? new ConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(at.toString()).build()
                : new ConditionBuilder().withType("Ready").withStatus("False").withReason(reason).withMessage(message)
                        .withLastTransitionTime(at.toString()).build();
        s.setConditions(List.of(ready));
        return s;
    }
}
