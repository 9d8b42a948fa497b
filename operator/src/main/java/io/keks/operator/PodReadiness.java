package io.keks.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.NodeObjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets each pod's readiness gate from Kafka's own view, so that "Ready" on a Kafka pod means what
 * Kafka means: a broker registered and unfenced, a controller a voter of a quorum with a leader.
 * Services and the disruption budget then count only nodes that really serve.
 */
final class PodReadiness {
    private final KubernetesClient client;
    private final KafkaNames names;

    PodReadiness(KubernetesClient client, KafkaNames names) {
        this.client = client;
        this.names = names;
    }

    static boolean ready(DesiredNode n, ObservedCluster o) {
        boolean ok = true;
        if (n.isBroker()) {
            ok = o.brokerServing(n.id());
        }
        if (n.isController()) {
            ok &= o.quorumLeader().isPresent() && o.voters().contains(n.id());
        }
        return ok;
    }

    void update(DesiredCluster cluster, ObservedCluster observed) {
        for (DesiredNode n : cluster.nodes()) {
            Pod pod = client.pods().inNamespace(names.namespace()).withName(names.pod(n)).get();
            if (pod == null) {
                continue;
            }
            String want = ready(n, observed) ? "True" : "False";
            List<PodCondition> conditions = new ArrayList<>(pod.getStatus() == null || pod.getStatus().getConditions() == null
                    ? List.of() : pod.getStatus().getConditions());
            PodCondition had = conditions.stream().filter(c -> NodeObjects.READY_CONDITION.equals(c.getType())).findFirst().orElse(null);
            if (had != null && want.equals(had.getStatus())) {
                continue;
            }
            conditions.remove(had);
            conditions.add(new PodConditionBuilder().withType(NodeObjects.READY_CONDITION).withStatus(want)
                    .withLastTransitionTime(Instant.now().toString())
                    .withReason(want.equals("True") ? "KafkaReady" : n.isBroker() ? "BrokerNotServing" : "ControllerNotVoting").build());
            if (pod.getStatus() == null) {
                pod.setStatus(new PodStatus());
            }
            pod.getStatus().setConditions(conditions);
            client.pods().inNamespace(names.namespace()).resource(pod).updateStatus();
        }
    }
}
