package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.topic.TopicStatus;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredTopic;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import io.keks.operator.resources.Rendering;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One reconciliation of a KafkaTopic on Kubernetes, through the engine's TopicReconciler (the one
 * local clusters use): the topic is checked against its Kafka as a manifest file would be, then
 * created, grown or re-configured in Kafka, and its status says Ready or why not (NotSupported,
 * KafkaError, InvalidConfig, InvalidResource). A topic marked strimzi.io/managed: "false" or paused is
 * left alone.
 */
public final class KafkaTopicReconcile {
    private final KubernetesClient client;
    private final KafkaAccess access;

    public KafkaTopicReconcile(KubernetesClient client, KafkaAccess access) {
        this.client = client;
        this.access = access;
    }

    public KafkaTopicStatus reconcile(KafkaTopic topic) {
        String ns = topic.getMetadata().getNamespace();
        Map<String, String> annotations = Optional.ofNullable(topic.getMetadata().getAnnotations()).orElse(Map.of());
        if ("false".equals(annotations.get("strimzi.io/managed"))) {
            return status(topic, null, condition(topic, "Ready", "True", "Unmanaged", "strimzi.io/managed is \"false\": keks leaves the topic alone"));
        }
        if ("true".equals(annotations.get("strimzi.io/pause-reconciliation"))) {
            return status(topic, null, condition(topic, "ReconciliationPaused", "True", null, null));
        }
        String cluster = Optional.ofNullable(topic.getMetadata().getLabels()).map(l -> l.get("strimzi.io/cluster")).orElse(null);
        Kafka kafka = cluster == null ? null : client.resources(Kafka.class).inNamespace(ns).withName(cluster).get();
        if (kafka == null) {
            return status(topic, null, condition(topic, "Ready", "False", "KafkaNotFound", cluster == null
                    ? "the KafkaTopic has no strimzi.io/cluster label; add the name of its Kafka"
                    : "no Kafka " + cluster + " in namespace " + ns));
        }
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel("strimzi.io/cluster", cluster)
                .list().getItems();
        Manifests manifests = CustomResources.of(kafka, pools).plus(ManifestParser.parse(CustomResources.source(topic),
                Serialization.asYaml(withoutStatus(topic))));
        DesiredCluster desired;
        try {
            if (manifests.hasErrors()) {
                throw new ManifestException(manifests.problems());
            }
            desired = Rendering.model(manifests, Map.of()).cluster();
        } catch (ManifestException e) {
            List<Problem> own = e.problems().stream().filter(p -> p.source().equals(CustomResources.source(topic))).toList();
            return status(topic, null, own.isEmpty()
                    ? condition(topic, "Ready", "False", "KafkaNotReady", "Kafka " + cluster + " is not valid: "
                            + CustomResources.message(e.problems()))
                    : condition(topic, "Ready", "False", "InvalidResource", CustomResources.message(own)));
        }
        DesiredTopic wanted = desired.topics().stream().filter(t -> t.resourceName().equals(topic.getMetadata().getName()))
                .findFirst().orElseThrow();
        try (var admin = access.admin(desired)) {
            TopicStatus s = new TopicReconciler(admin, 30_000).reconcile(List.of(wanted)).get(0);
            return status(topic, s, s.ready() ? condition(topic, "Ready", "True", null, null)
                    : condition(topic, "Ready", "False", s.reason(), s.message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return status(topic, null, condition(topic, "Ready", "False", "KafkaError", "the operator is stopping"));
        } catch (Exception e) {
            return status(topic, null, condition(topic, "Ready", "False", "KafkaError", KafkaClusterReconcile.rootMessage(e)));
        }
    }

    private static KafkaTopic withoutStatus(KafkaTopic t) {
        KafkaTopic copy = Serialization.clone(t);
        copy.setStatus(null);
        return copy;
    }

    private static KafkaTopicStatus status(KafkaTopic topic, TopicStatus s, Condition condition) {
        KafkaTopicStatus status = new KafkaTopicStatus();
        status.setObservedGeneration(Optional.ofNullable(topic.getMetadata().getGeneration()).orElse(0L));
        status.setConditions(List.of(condition));
        String name = topic.getSpec() != null && topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName()
                : topic.getMetadata().getName();
        status.setTopicName(name);
        if (s != null && s.topicId() != null) {
            status.setTopicId(s.topicId());
        } else if (topic.getStatus() != null) {
            status.setTopicId(topic.getStatus().getTopicId());
        }
        return status;
    }

    /** A condition keeps its last transition time while it stays the same. */
    private static Condition condition(HasMetadata r, String type, String status, String reason, String message) {
        KafkaTopic t = (KafkaTopic) r;
        String since = Optional.ofNullable(t.getStatus()).map(KafkaTopicStatus::getConditions).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()) && Objects.equals(reason, c.getReason()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(Instant.now().toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }
}
