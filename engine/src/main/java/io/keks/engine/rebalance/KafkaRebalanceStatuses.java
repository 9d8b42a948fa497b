package io.keks.engine.rebalance;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalanceProgress;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalanceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A KafkaRebalance's status as Strimzi users read it: one condition whose type is the state (the STATUS column of
 * {@code kubectl get kafkarebalance}), with the reason when NotReady or waiting, the proposal's summary in
 * {@code optimizationResult}, the session, and the ConfigMap with the broker loads and progress.
 */
public final class KafkaRebalanceStatuses {
    private KafkaRebalanceStatuses() {
    }

    public static KafkaRebalanceStatus of(KafkaRebalance rebalance, RebalanceState state) {
        KafkaRebalanceStatus s = new KafkaRebalanceStatus();
        s.setObservedGeneration(Optional.ofNullable(rebalance.getMetadata().getGeneration()).orElse(0L));
        List<Condition> conditions = new ArrayList<>();
        ConditionBuilder c = new ConditionBuilder().withType(state.state()).withStatus("True")
                .withLastTransitionTime(state.lastTransitionTime().isEmpty() ? null : state.lastTransitionTime());
        if (!state.reason().isEmpty()) {
            c.withReason(state.state().equals(RebalanceState.NOT_READY) ? "RebalanceFailed" : "Waiting").withMessage(state.reason());
        }
        conditions.add(c.build());
        s.setConditions(conditions);
        if (!state.optimizationResult().isEmpty()) {
            s.setOptimizationResult(state.optimizationResult());
        }
        if (!state.sessionId().isEmpty()) {
            s.setSessionId(state.sessionId());
        }
        if (!state.brokerLoad().isEmpty()) {
            KafkaRebalanceProgress progress = new KafkaRebalanceProgress();
            progress.setRebalanceProgressConfigMap(rebalance.getMetadata().getName());
            s.setProgress(progress);
        }
        return s;
    }
}
