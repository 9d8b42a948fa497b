package io.keks.operator;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Duration;

/**
 * The Java Operator SDK face of the KafkaTopic reconciliation: it hands each changed KafkaTopic to
 * the {@link TopicBatcher}, which reconciles them in batches and writes their statuses. The finalizer
 * {@value #FINALIZER} (the name Strimzi's topic operator uses) makes deleting a KafkaTopic delete its
 * Kafka topic; annotate it {@code strimzi.io/managed: "false"} first to keep the topic. Events are not
 * filtered by generation, so a change of those annotations is seen too.
 */
@ControllerConfiguration(name = "kafkatopic", finalizerName = KafkaTopicReconciler.FINALIZER, generationAwareEventProcessing = false)
public final class KafkaTopicReconciler implements Reconciler<KafkaTopic>, Cleaner<KafkaTopic> {
    public static final String FINALIZER = "strimzi.io/topic-operator";
    private final TopicBatcher batcher;
    private final ResourceCounts counts;

    public KafkaTopicReconciler(TopicBatcher batcher, ResourceCounts counts) {
        this.batcher = batcher;
        this.counts = counts;
    }

    @Override
    public java.util.List<io.javaoperatorsdk.operator.processing.event.source.EventSource<?, KafkaTopic>> prepareEventSources(
            io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<KafkaTopic> context) {
        counts.count("KafkaTopic", () -> context.getPrimaryCache().list());
        return java.util.List.of();
    }

    @Override
    public UpdateControl<KafkaTopic> reconcile(KafkaTopic topic, Context<KafkaTopic> context) {
        batcher.submit(topic, context.getPrimaryCache());
        return UpdateControl.noUpdate();
    }

    @Override
    public DeleteControl cleanup(KafkaTopic topic, Context<KafkaTopic> context) {
        return batcher.deletedInKafka(topic, context.getPrimaryCache()) ? DeleteControl.defaultDelete()
                : DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
    }
}
