package io.keks.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.List;
import java.util.Set;

/**
 * The Java Operator SDK face of {@link KafkaReconciliation}: a Kafka is reconciled when it, one of
 * its node pools (by their strimzi.io/cluster label) or one of its pods changes, and again after the
 * interval the reconciliation asks for. Its status is patched with a JSON merge patch.
 */
@ControllerConfiguration(name = "kafka")
public final class KafkaController implements Reconciler<Kafka> {
    private final KafkaReconciliation reconcile;
    private final ResourceCounts counts;

    public KafkaController(KafkaReconciliation reconcile, ResourceCounts counts) {
        this.reconcile = reconcile;
        this.counts = counts;
    }

    @Override
    public UpdateControl<Kafka> reconcile(Kafka kafka, Context<Kafka> context) {
        KafkaStatuses.Outcome outcome = reconcile.reconcile(kafka);
        KafkaStatuses.writePools(context.getClient(), kafka.getMetadata().getNamespace(), outcome);
        kafka.setStatus(outcome.kafka());
        return UpdateControl.patchStatus(kafka).rescheduleAfter(outcome.requeueAfter());
    }

    @Override
    public List<EventSource<?, Kafka>> prepareEventSources(io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<Kafka> context) {
        InformerEventSource<KafkaNodePool, Kafka> pools = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(KafkaNodePool.class, Kafka.class)
                .withSecondaryToPrimaryMapper(p -> {
                    String cluster = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get("strimzi.io/cluster");
                    return cluster == null ? Set.of() : Set.of(new ResourceID(cluster, p.getMetadata().getNamespace()));
                }).build(), context);
        InformerEventSource<Pod, Kafka> pods = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Pod.class, Kafka.class)
                .withLabelSelector("strimzi.io/kind=Kafka,app.kubernetes.io/managed-by=keks")
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Kafka.class, false)).build(), context);
        counts.count("Kafka", () -> context.getPrimaryCache().list());
        counts.count("KafkaNodePool", pools::list);
        return List.of(pools, pods);
    }
}
