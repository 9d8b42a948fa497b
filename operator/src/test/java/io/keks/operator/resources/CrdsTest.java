package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRDs the build generates from io.strimzi:api (crds/target/crds), as Kubernetes will read them. */
class CrdsTest {
    static final Path DIR = Path.of(System.getProperty("keks.crds.dir", "../crds/target/crds"));

    static List<CustomResourceDefinition> crds() throws IOException {
        List<CustomResourceDefinition> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
                }
            }
        }
        return out;
    }

    static CustomResourceDefinition crd(String name) throws IOException {
        return crds().stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    static List<String> columns(CustomResourceDefinition crd, String version) {
        return crd.getSpec().getVersions().stream().filter(v -> v.getName().equals(version)).findFirst().orElseThrow()
                .getAdditionalPrinterColumns().stream().map(CustomResourceColumnDefinition::getName).toList();
    }

    @Test
    void theFiveKindsServeV1beta2AndV1AndStoreV1() throws IOException {
        assertThat(crds()).extracting(c -> c.getMetadata().getName()).containsExactlyInAnyOrder("kafkas.kafka.strimzi.io",
                "kafkanodepools.kafka.strimzi.io", "kafkatopics.kafka.strimzi.io", "kafkausers.kafka.strimzi.io",
                "kafkarebalances.kafka.strimzi.io");
        for (CustomResourceDefinition c : crds()) {
            assertThat(c.getSpec().getGroup()).isEqualTo("kafka.strimzi.io");
            assertThat(c.getSpec().getVersions()).extracting(CustomResourceDefinitionVersion::getName).containsExactly("v1", "v1beta2");
            assertThat(c.getSpec().getVersions()).hasSize(2).allSatisfy(v -> assertThat(v.getServed()).isTrue());
            assertThat(c.getSpec().getVersions()).filteredOn(CustomResourceDefinitionVersion::getStorage)
                    .extracting(CustomResourceDefinitionVersion::getName).containsExactly("v1");
            assertThat(c.getSpec().getVersions()).allSatisfy(v -> assertThat(v.getSubresources().getStatus()).isNotNull());
        }
    }

    @Test
    void kubectlGetShowsTheColumnsStrimziUsersKnow() throws IOException {
        assertThat(columns(crd("kafkas.kafka.strimzi.io"), "v1")).containsExactly("Ready", "Warnings", "Kafka version", "Metadata version");
        assertThat(columns(crd("kafkatopics.kafka.strimzi.io"), "v1")).containsExactly("Cluster", "Partitions", "Replication factor", "Ready");
        assertThat(columns(crd("kafkanodepools.kafka.strimzi.io"), "v1")).contains("Desired replicas", "Roles", "NodeIds");
        assertThat(crd("kafkatopics.kafka.strimzi.io").getSpec().getNames().getShortNames()).containsExactly("kt");
    }

    @Test
    void theCrdsPassTheKubernetesOpenApiSchemas() throws Exception {
        NpmTools.ensure();
        List<HasMetadata> all = new ArrayList<>(crds());
        NpmTools.Run r = OpenApiValidationTest.validate(all, "crds");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> l.startsWith("ok CustomResourceDefinition/"))).hasSize(5);
    }
}
