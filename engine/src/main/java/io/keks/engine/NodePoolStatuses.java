package io.keks.engine;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.Role;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolStatus;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.List;

/** A KafkaNodePool's status as Strimzi users read it: its node ids, replicas, roles, cluster id and label selector. */
public final class NodePoolStatuses {
    private NodePoolStatuses() {
    }

    public static KafkaNodePoolStatus of(DesiredCluster cluster, String pool, String clusterId, long observedGeneration) {
        List<DesiredNode> nodes = cluster.nodes().stream().filter(n -> n.pool().equals(pool)).toList();
        KafkaNodePoolStatus ps = new KafkaNodePoolStatus();
        ps.setObservedGeneration(observedGeneration);
        ps.setNodeIds(nodes.stream().map(DesiredNode::id).toList());
        ps.setReplicas(nodes.size());
        ps.setClusterId(clusterId);
        ps.setRoles(nodes.isEmpty() ? List.of() : nodes.get(0).roles().stream().sorted()
                .map(r -> r == Role.BROKER ? ProcessRoles.BROKER : ProcessRoles.CONTROLLER).toList());
        ps.setLabelSelector("strimzi.io/cluster=" + cluster.name() + ",strimzi.io/name=" + cluster.name()
                + "-kafka,strimzi.io/kind=Kafka,strimzi.io/pool-name=" + pool);
        return ps;
    }
}
