package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.keks.model.KafkaVersion;
import java.util.Optional;

/**
 * What rendering needs beyond the manifests.
 *
 * @param operatorImage       the keks operator image, which also runs a broker's init container (its rack)
 * @param kafkaImageRepository the repository of the Kafka image; the tag is the Kafka version
 * @param owner               the Kafka resource as owner of what is rendered (garbage collected with it);
 *                            empty for a dry run, which knows no uid
 */
public record RenderOptions(String operatorImage, String kafkaImageRepository, Optional<OwnerReference> owner) {
    public static final String DEFAULT_OPERATOR_IMAGE = "keks/keks-operator:0.1.0";
    public static final String DEFAULT_KAFKA_REPOSITORY = "apache/kafka";

    public static RenderOptions defaults() {
        return new RenderOptions(DEFAULT_OPERATOR_IMAGE, DEFAULT_KAFKA_REPOSITORY, Optional.empty());
    }

    public String kafkaImage(KafkaVersion version) {
        return kafkaImageRepository + ":" + version;
    }
}
