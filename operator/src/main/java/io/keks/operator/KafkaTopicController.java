package io.keks.operator;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Duration;
import java.util.List;

/**
 * The Java Operator SDK face of the KafkaTopic reconciliation: it hands each changed KafkaTopic to
 * the {@link KafkaTopicBatches}, which reconciles them in batches and writes their statuses. The finalizer
 * {@value #FINALIZER} (the name Strimzi's topic operator uses) makes deleting a KafkaTopic delete its
 * Kafka topic; annotate it {@code strimzi.io/managed: "false"} first to keep the topic. Events are not
 * filtered by generation, so a change of those annotations is seen too.
 */
@ControllerConfiguration(name = "kafkatopic", finalizerName = KafkaTopicController.FINALIZER, generationAwareEventProcessing = false)
public final class KafkaTopicController implements Reconciler<KafkaTopic>, Cleaner<KafkaTopic> {
    public static final String FINALIZER = "strimzi.io/topic-operator";
    private final KafkaTopicBatches batches;
    private final ResourceCounts counts;

    public KafkaTopicController(KafkaTopicBatches batches, ResourceCounts counts) {
        this.batches = batches;
        this.counts = counts;
    }

    @Override
    public List<io.javaoperatorsdk.operator.processing.event.source.EventSource<?, KafkaTopic>> prepareEventSources(
            io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<KafkaTopic> context) {
        counts.count("KafkaTopic", () -> context.getPrimaryCache().list());
        return List.of();
    }

    @Override
    public UpdateControl<KafkaTopic> reconcile(KafkaTopic topic, Context<KafkaTopic> context) {
        batches.submit(topic, context.getPrimaryCache());
        return UpdateControl.noUpdate();
    }

    @Override
    public DeleteControl cleanup(KafkaTopic topic, Context<KafkaTopic> context) {
        return batches.deletedInKafka(topic, context.getPrimaryCache()) ? DeleteControl.defaultDelete()
                : DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
    }
}
