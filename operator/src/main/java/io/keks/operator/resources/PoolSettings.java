package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.strimzi.api.kafka.model.common.JvmOptions;
import io.strimzi.api.kafka.model.common.template.ContainerTemplate;
import io.strimzi.api.kafka.model.common.template.PodTemplate;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaClusterSpec;
import io.strimzi.api.kafka.model.kafka.KafkaClusterTemplate;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolTemplate;

/**
 * What a node pool's pods get on Kubernetes. As in v1beta2, a pool that sets none of resources,
 * jvmOptions or a template part takes it from {@code spec.kafka} (v1 dropped that inheritance; the
 * seed's manifests rely on it). Each is null when neither sets it.
 */
public record PoolSettings(ResourceRequirements resources, JvmOptions jvmOptions, PodTemplate pod,
                           ContainerTemplate kafkaContainer, ContainerTemplate initContainer) {

    public static PoolSettings of(Kafka kafka, KafkaNodePool pool) {
        KafkaClusterSpec spec = kafka.getSpec().getKafka();
        KafkaNodePoolTemplate own = pool.getSpec().getTemplate();
        KafkaClusterTemplate inherited = spec.getTemplate();
        return new PoolSettings(
                pool.getSpec().getResources() != null ? pool.getSpec().getResources() : spec.getResources(),
                pool.getSpec().getJvmOptions() != null ? pool.getSpec().getJvmOptions() : spec.getJvmOptions(),
                own != null && own.getPod() != null ? own.getPod() : inherited == null ? null : inherited.getPod(),
                own != null && own.getKafkaContainer() != null ? own.getKafkaContainer()
                        : inherited == null ? null : inherited.getKafkaContainer(),
                own != null && own.getInitContainer() != null ? own.getInitContainer()
                        : inherited == null ? null : inherited.getInitContainer());
    }
}
