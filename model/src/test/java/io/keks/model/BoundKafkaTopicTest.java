package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;

/**
 * KafkaTopics are bound to a subclass that states its names instead of deriving them per instance:
 * to everything that reads them (the Kubernetes client finding the resource's endpoint, the YAML
 * written back, equality) it must be the KafkaTopic Strimzi's class describes.
 */
class BoundKafkaTopicTest {
    static final String TOPIC = """
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaTopic
            metadata:
              name: orders
              labels:
                strimzi.io/cluster: cluster
            spec:
              partitions: 3
              replicas: 3
              config:
                retention.ms: 604800000
            """;

    @Test
    void aBoundKafkaTopicHasTheNamesAndContentOfStrimzisKafkaTopic() {
        Manifests m = ManifestParser.parse("topics.yaml", TOPIC);
        assertThat(m.problems()).isEmpty();
        KafkaTopic bound = m.topics().get(0).resource();
        KafkaTopic plain = Serialization.unmarshal(TOPIC, KafkaTopic.class);
        assertThat(bound.getClass()).isNotEqualTo(KafkaTopic.class);

        assertThat(HasMetadata.getKind(bound.getClass())).isEqualTo(HasMetadata.getKind(KafkaTopic.class)).isEqualTo("KafkaTopic");
        assertThat(HasMetadata.getApiVersion(bound.getClass())).isEqualTo(HasMetadata.getApiVersion(KafkaTopic.class));
        assertThat(HasMetadata.getPlural(bound.getClass())).isEqualTo(HasMetadata.getPlural(KafkaTopic.class));
        assertThat(HasMetadata.getSingular(bound.getClass())).isEqualTo(HasMetadata.getSingular(KafkaTopic.class));
        assertThat(HasMetadata.getFullResourceName(bound.getClass())).isEqualTo(HasMetadata.getFullResourceName(KafkaTopic.class));
        assertThat(CustomResource.getCRDName(bound.getClass())).isEqualTo(CustomResource.getCRDName(KafkaTopic.class));
        assertThat(CustomResource.getServed(bound.getClass())).isEqualTo(CustomResource.getServed(KafkaTopic.class));
        assertThat(CustomResource.getStorage(bound.getClass())).isEqualTo(CustomResource.getStorage(KafkaTopic.class));
        assertThat(CustomResource.getDeprecated(bound.getClass())).isEqualTo(CustomResource.getDeprecated(KafkaTopic.class));
        assertThat(bound.getScope()).isEqualTo(plain.getScope());

        // the document's own apiVersion is kept, and the content compares and serializes as Strimzi's class does
        assertThat(bound.getApiVersion()).isEqualTo(plain.getApiVersion());
        assertThat(bound).isEqualTo(plain);
        assertThat(plain).isEqualTo(bound);
        assertThat(Serialization.asYaml(bound)).isEqualTo(Serialization.asYaml(plain));
    }
}
