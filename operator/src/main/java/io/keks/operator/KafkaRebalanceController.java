package io.keks.operator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.keks.engine.rebalance.RebalanceState;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.time.Duration;
import java.util.List;

/**
 * The Java Operator SDK face of {@link KafkaRebalanceReconciliation}. Annotations drive a KafkaRebalance
 * ({@code strimzi.io/rebalance: approve}) and do not change its generation, so every change of the resource is
 * reconciled, not only those of its spec. The status is written as the rebalance goes; a rebalance waiting for
 * another is looked at again a minute later.
 */
@ControllerConfiguration(name = "kafkarebalance", generationAwareEventProcessing = false)
public final class KafkaRebalanceController implements Reconciler<KafkaRebalance> {
    private final KafkaRebalanceReconciliation reconcile;
    private final ResourceCounts counts;

    KafkaRebalanceController(KafkaRebalanceReconciliation reconcile, ResourceCounts counts) {
        this.reconcile = reconcile;
        this.counts = counts;
    }

    @Override
    public List<EventSource<?, KafkaRebalance>> prepareEventSources(EventSourceContext<KafkaRebalance> context) {
        counts.count("KafkaRebalance", () -> context.getPrimaryCache().list());
        return List.of();
    }

    @Override
    public UpdateControl<KafkaRebalance> reconcile(KafkaRebalance rebalance, Context<KafkaRebalance> context) {
        RebalanceState state = reconcile.reconcile(rebalance);
        boolean waiting = state.reason().startsWith("waiting") || state.state().equals(RebalanceState.REBALANCING);
        return waiting ? UpdateControl.<KafkaRebalance>noUpdate().rescheduleAfter(Duration.ofMinutes(1)) : UpdateControl.noUpdate();
    }
}
