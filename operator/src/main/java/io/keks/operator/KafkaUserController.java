package io.keks.operator;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.time.Duration;
import java.util.List;

/**
 * The Java Operator SDK face of {@link KafkaUserReconciliation}. The finalizer {@value #FINALIZER} lets
 * a deleted KafkaUser's credential, ACLs and quotas be removed from Kafka before it goes; a user
 * whose Kafka is not reachable is looked at again a minute later.
 */
@ControllerConfiguration(name = "kafkauser", finalizerName = KafkaUserController.FINALIZER)
public final class KafkaUserController implements Reconciler<KafkaUser>, Cleaner<KafkaUser> {
    public static final String FINALIZER = "keks.io/user";
    private final KafkaUserReconciliation reconcile;
    private final ResourceCounts counts;

    KafkaUserController(KafkaUserReconciliation reconcile, ResourceCounts counts) {
        this.reconcile = reconcile;
        this.counts = counts;
    }

    @Override
    public List<EventSource<?, KafkaUser>> prepareEventSources(EventSourceContext<KafkaUser> context) {
        counts.count("KafkaUser", () -> context.getPrimaryCache().list());
        return List.of();
    }

    @Override
    public UpdateControl<KafkaUser> reconcile(KafkaUser user, Context<KafkaUser> context) {
        var status = reconcile.reconcile(user);
        user.setStatus(status);
        boolean ready = status.getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        return UpdateControl.patchStatus(user).rescheduleAfter(ready ? Duration.ofMinutes(10) : Duration.ofMinutes(1));
    }

    @Override
    public DeleteControl cleanup(KafkaUser user, Context<KafkaUser> context) {
        return reconcile.delete(user) ? DeleteControl.defaultDelete()
                : DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(30));
    }
}
