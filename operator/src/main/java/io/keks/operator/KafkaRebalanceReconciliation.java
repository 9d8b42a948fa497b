package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.rebalance.KafkaRebalanceStatuses;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredRebalance;
import io.keks.model.manifest.ManifestException;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KafkaRebalance on Kubernetes, through the engine's {@link RebalanceReconciler} with its state kept by
 * {@link KubernetesRebalances}: the same lifecycle, planner and execution as locally.
 */
final class KafkaRebalanceReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRebalanceReconciliation.class);

    private final KubernetesClient client;
    private final KafkaAccess access;
    private final RebalanceReconciler.Settings settings;

    KafkaRebalanceReconciliation(KubernetesClient client, KafkaAccess access, RebalanceReconciler.Settings settings) {
        this.client = client;
        this.access = access;
        this.settings = settings;
    }

    /** The state the KafkaRebalance is left in (its status and ConfigMap are written as it goes). */
    RebalanceState reconcile(KafkaRebalance rebalance) {
        String ns = rebalance.getMetadata().getNamespace();
        String name = rebalance.getMetadata().getName();
        String cluster = rebalance.getMetadata().getLabels() == null ? null
                : rebalance.getMetadata().getLabels().get(KafkaUserReconciliation.CLUSTER_LABEL);
        if (cluster == null) {
            return notReady(rebalance, "KafkaRebalance " + name + " has no " + KafkaUserReconciliation.CLUSTER_LABEL
                    + " label; add the name of its Kafka under metadata.labels");
        }
        Kafka kafka = client.resources(Kafka.class).inNamespace(ns).withName(cluster).get();
        if (kafka == null) {
            return notReady(rebalance, "no Kafka " + cluster + " in namespace " + ns + "; the label "
                    + KafkaUserReconciliation.CLUSTER_LABEL + " names the Kafka to rebalance");
        }
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns)
                .withLabel(KafkaUserReconciliation.CLUSTER_LABEL, cluster).list().getItems();
        List<KafkaRebalance> ofCluster = client.resources(KafkaRebalance.class).inNamespace(ns)
                .withLabel(KafkaUserReconciliation.CLUSTER_LABEL, cluster).list().getItems();
        List<KafkaRebalance> read = new ArrayList<>(List.of(rebalance));
        ofCluster.stream().filter(r -> !r.getMetadata().getName().equals(name) && isTemplate(r)).forEach(read::add);
        DesiredCluster desired;
        try {
            desired = ClusterModel.build(CustomResources.withRebalances(kafka, pools, read), new ClusterModel.Options(Map.of(), Long.MAX_VALUE))
                    .cluster();
        } catch (ManifestException e) {
            return notReady(rebalance, CustomResources.message(e.problems()));
        }
        Optional<String> running = ofCluster.stream().filter(r -> !r.getMetadata().getName().equals(name))
                .filter(r -> r.getStatus() != null && r.getStatus().getConditions() != null
                        && r.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals(RebalanceState.REBALANCING)))
                .map(r -> r.getMetadata().getName()).findFirst();
        KubernetesRebalances store = new KubernetesRebalances(client, ns, cluster);
        try (Admin admin = access.admin(desired)) {
            return new RebalanceReconciler(admin, store, settings, line -> LOG.info("KafkaRebalance {}/{}: {}", ns, name, line))
                    .reconcileOne(desired, name, running);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notReady(rebalance, "interrupted");
        } catch (Exception e) {
            return notReady(rebalance, "cannot reach Kafka " + cluster + ": " + e.getMessage());
        }
    }

    private static boolean isTemplate(KafkaRebalance r) {
        return r.getMetadata().getAnnotations() != null && "true".equals(r.getMetadata().getAnnotations().get(DesiredRebalance.TEMPLATE));
    }

    private RebalanceState notReady(KafkaRebalance rebalance, String reason) {
        RebalanceState state = new RebalanceState(RebalanceState.NOT_READY, reason, "", Map.of(), List.of(), Map.of(), null,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        rebalance.setStatus(KafkaRebalanceStatuses.of(rebalance, state));
        client.resources(KafkaRebalance.class).inNamespace(rebalance.getMetadata().getNamespace()).resource(rebalance).updateStatus();
        return state;
    }
}
