package io.keks.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a later command reads back of the manifests an apply stored. */
class StoredManifestsTest {
    static String topic(String name, int partitions) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: %s
                  labels:
                    strimzi.io/cluster: cluster
                spec:
                  partitions: %d
                  replicas: 3
                  config:
                    retention.ms: "113"
                ---
                """.formatted(name, partitions);
    }

    static final String KAFKA = """
            apiVersion: kafka.strimzi.io/v1beta2
            kind: Kafka
            metadata:
              name: cluster
            spec:
              kafka:
                version: 4.4.0
            """;

    @Test
    void kafkaTopicsComeBackFromOneFileAsTheyWereGiven(@TempDir Path cluster) throws Exception {
        Manifests given = ManifestParser.parse("given.yaml", topic("a", 3) + topic("b", 6) + KAFKA);
        StoredManifests.store(cluster, given, given.topics());
        assertThat(StoredManifests.dir(cluster).resolve(StoredManifests.TOPICS)).exists();
        assertThat(StoredManifests.dir(cluster).resolve("Kafka-cluster.yaml")).exists();

        Manifests read = StoredManifests.read(cluster);
        assertThat(read.problems()).isEmpty();
        assertThat(read.kafkas()).hasSize(1);
        assertThat(read.topics()).extracting(t -> t.resource().getMetadata().getName()).containsExactly("a", "b");
        var b = read.topics().get(1);
        assertThat(b.resource().getSpec().getPartitions()).isEqualTo(6);
        assertThat(b.resource().getSpec().getConfig()).containsEntry("retention.ms", "113");
        assertThat(b.document().source()).isEqualTo("given.yaml");
        assertThat(b.document().startLine()).isEqualTo(13);

        StoredManifests.deleteTopic(cluster, read.topics(), "a");
        assertThat(StoredManifests.read(cluster).topics()).extracting(t -> t.resource().getMetadata().getName()).containsExactly("b");
    }

    @Test
    void topicFilesOfAnEarlierKeksAreFoldedIntoTheOneFile(@TempDir Path cluster) throws Exception {
        Path dir = Files.createDirectories(StoredManifests.dir(cluster));
        Files.writeString(dir.resolve("Kafka-cluster.yaml"), KAFKA);
        Files.writeString(dir.resolve("KafkaTopic-old.yaml"), topic("old", 2));
        Manifests before = StoredManifests.read(cluster);
        assertThat(before.topics()).extracting(t -> t.resource().getMetadata().getName()).containsExactly("old");

        // an interrupted fold leaves the old file beside the JSON one: read once, not twice
        StoredManifests.store(cluster, Manifests.empty(), before.topics());
        Files.writeString(dir.resolve("KafkaTopic-old.yaml"), topic("old", 2));
        assertThat(StoredManifests.read(cluster).topics()).hasSize(1);

        StoredManifests.store(cluster, Manifests.empty(), StoredManifests.read(cluster).topics());
        assertThat(dir.resolve("KafkaTopic-old.yaml")).doesNotExist();
        assertThat(StoredManifests.read(cluster).topics()).extracting(t -> t.resource().getSpec().getPartitions()).containsExactly(2);
    }
}
