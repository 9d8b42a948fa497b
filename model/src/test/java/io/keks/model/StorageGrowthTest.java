package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StorageGrowthTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    static final long GI = 1L << 30;

    /** The seed's cluster with {@code annotations} (YAML lines, indented 4) on its broker pool. */
    static DesiredCluster seedWithBrokerAnnotations(String annotations) throws IOException {
        String text = Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"));
        String brokerPool = "metadata:\n  name: broker\n";
        assertThat(text).contains(brokerPool);
        text = text.replace(brokerPool, brokerPool + "  annotations:\n" + annotations);
        return ClusterModel.build(ManifestParser.parse("kafka-cluster.yaml", text), ClusterModel.Options.defaults()).cluster();
    }

    @Test
    void growthIsOffUnlessAPoolAsksAndTheDefaultsFillWhatItDoesNotSay() throws IOException {
        assertThat(seedWithBrokerAnnotations("    team: data\n").storageGrowth()).isEmpty();
        assertThat(seedWithBrokerAnnotations("    keks.io/storage-auto-grow: \"false\"\n").storageGrowth()).isEmpty();
        DesiredCluster c = seedWithBrokerAnnotations("""
                    keks.io/storage-auto-grow: "true"
                    keks.io/storage-grow-step: 200Gi
                    keks.io/storage-grow-cooldown: 6h30m
                """);
        assertThat(c.storageGrowth()).containsOnlyKeys("broker");
        StorageGrowth g = c.storageGrowth().get("broker");
        assertThat(g).isEqualTo(new StorageGrowth(80, 200 * GI, 20, 16L << 40, Duration.ofMinutes(390)));
    }

    @Test
    void aClaimGrowsByTheLargerOfStepAndPercentInWholeGibibytesUpToItsMaximum() {
        StorageGrowth g = new StorageGrowth(80, 50 * GI, 20, 1300 * GI, Duration.ofHours(6));
        assertThat(g.next(100 * GI)).as("20% of 100Gi is less than the 50Gi step").isEqualTo(150 * GI);
        assertThat(g.next(1000 * GI)).as("20% of 1000Gi is more than the step").isEqualTo(1200 * GI);
        assertThat(g.next(1200 * GI)).as("capped").isEqualTo(1300 * GI);
        assertThat(new StorageGrowth(80, 0, 10, 16L << 40, Duration.ZERO).next(105 * GI)).as("rounded up to a whole Gi")
                .isEqualTo(116 * GI);
    }

    @Test
    void badAnnotationsAreRefusedNamingTheAnnotationAndTheFix() {
        assertThatThrownBy(() -> seedWithBrokerAnnotations("""
                    keks.io/storage-auto-grow: "yes"
                """)).isInstanceOf(ManifestException.class).satisfies(e -> assertThat(((ManifestException) e).errors())
                .extracting(Problem::format).singleElement().asString()
                .contains("kafka-cluster.yaml:", "metadata.annotations", "keks.io/storage-auto-grow", "use \"true\" or \"false\""));
        assertThatThrownBy(() -> seedWithBrokerAnnotations("""
                    keks.io/storage-auto-grow: "true"
                    keks.io/storage-grow-at-percent: "100"
                    keks.io/storage-grow-max: 50Gi
                    keks.io/storage-grow-cooldown: soon
                    keks.io/storage-grow-steps: 10Gi
                """)).isInstanceOf(ManifestException.class).satisfies(e -> assertThat(((ManifestException) e).errors())
                .extracting(Problem::message).containsExactlyInAnyOrder(
                        "annotation keks.io/storage-grow-steps is not a keks storage annotation; use keks.io/storage-auto-grow,"
                                + " keks.io/storage-grow-at-percent, keks.io/storage-grow-step, keks.io/storage-grow-percent,"
                                + " keks.io/storage-grow-max, keks.io/storage-grow-cooldown",
                        "annotation keks.io/storage-grow-at-percent is \"100\"; use a whole percentage from 1 to 99",
                        "annotation keks.io/storage-grow-cooldown is \"soon\"; write a duration like 6h, 90m or 6h30m",
                        "annotation keks.io/storage-grow-max is below the size the pool's volumes already ask for (100Gi);"
                                + " raise it or remove it (the default is 16Ti)"));
        assertThatThrownBy(() -> seedWithBrokerAnnotations("""
                    keks.io/storage-grow-step: 10Gi
                """)).isInstanceOf(ManifestException.class).hasMessageContaining("keks.io/storage-auto-grow is missing");
    }
}
