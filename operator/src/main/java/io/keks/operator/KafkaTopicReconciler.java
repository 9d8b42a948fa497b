package io.keks.operator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Duration;

/** The Java Operator SDK face of {@link KafkaTopicReconcile}; a topic is looked at again every few minutes for drift. */
@ControllerConfiguration(name = "kafkatopic")
public final class KafkaTopicReconciler implements Reconciler<KafkaTopic> {
    private final KafkaTopicReconcile reconcile;

    public KafkaTopicReconciler(KafkaTopicReconcile reconcile) {
        this.reconcile = reconcile;
    }

    @Override
    public UpdateControl<KafkaTopic> reconcile(KafkaTopic topic, Context<KafkaTopic> context) {
        topic.setStatus(reconcile.reconcile(topic));
        boolean ready = topic.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        return UpdateControl.patchStatus(topic).rescheduleAfter(ready ? Duration.ofMinutes(5) : Duration.ofSeconds(30));
    }
}
