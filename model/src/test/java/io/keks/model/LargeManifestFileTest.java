package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import org.junit.jupiter.api.Test;

/**
 * A file of thousands of KafkaTopics is parsed in parts on every processor: what a user gets back
 * must be what one pass over the whole text gives (every document, in order, and problems at the
 * line of the file they are on).
 */
class LargeManifestFileTest {
    static final int TOPICS = 4_000;
    static final int LINES_PER_TOPIC = 11; // the ten lines below and the "---" after each

    static String topic(int i) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: t-%05d
                  labels:
                    strimzi.io/cluster: cluster
                spec:
                  partitions: %d
                  replicas: 3
                  topicName: topic-%05d
                ---
                """.formatted(i, 1 + i % 7, i);
    }

    static StringBuilder topics() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < TOPICS; i++) {
            text.append(topic(i));
        }
        return text;
    }

    @Test
    void everyDocumentOfALargeFileIsReadInOrderWithItsLine() {
        StringBuilder text = topics();
        assertThat(text.length()).as("large enough to be split").isGreaterThan(512 * 1024);
        Manifests m = ManifestParser.parse("many.yaml", text.toString());
        assertThat(m.problems()).isEmpty();
        assertThat(m.topics()).hasSize(TOPICS);
        for (int i = 0; i < TOPICS; i += 397) {
            var t = m.topics().get(i);
            assertThat(t.resource().getMetadata().getName()).isEqualTo("t-%05d".formatted(i));
            assertThat(t.resource().getSpec().getPartitions()).isEqualTo(1 + i % 7);
            assertThat(t.document().index()).isEqualTo(i);
            assertThat(t.document().startLine()).isEqualTo(1 + i * LINES_PER_TOPIC);
            assertThat(t.document().lineOf("/spec/replicas")).isEqualTo(9 + i * LINES_PER_TOPIC);
        }
    }

    @Test
    void problemsLateInALargeFileNameTheirLine() {
        StringBuilder text = topics();
        int bad = 3_500;
        int start = text.indexOf("name: t-%05d".formatted(bad));
        int at = text.indexOf("replicas: 3", start);
        text.replace(at, at + "replicas: 3".length(), "replicas: three");
        Manifests m = ManifestParser.parse("many.yaml", text.toString());
        assertThat(m.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(9 + bad * LINES_PER_TOPIC);
                    assertThat(p.field()).isEqualTo("spec.replicas");
                });
        assertThat(m.topics()).hasSize(TOPICS - 1);
    }

    @Test
    void malformedYamlLateInALargeFileIsReportedAtItsLineAndNothingAfterItIsRead() {
        StringBuilder text = topics();
        int bad = 3_000;
        int start = text.indexOf("name: t-%05d".formatted(bad));
        int at = text.indexOf("  partitions:", start);
        text.insert(at, "  bad: [unclosed\n");
        Manifests m = ManifestParser.parse("many.yaml", text.toString());
        assertThat(m.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("malformed YAML"))
                .satisfies(p -> assertThat(p.line()).isBetween(8 + bad * LINES_PER_TOPIC, 9 + bad * LINES_PER_TOPIC));
        assertThat(m.topics()).hasSizeLessThanOrEqualTo(bad);
        assertThat(m.topics()).extracting(t -> t.resource().getMetadata().getName()).doesNotContain("t-03999");
    }
}
