package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every manifest in src/test/resources/bad-manifests is refused with exactly the message in
 * expected-errors.txt: file, line, field path, what is wrong and what to do.
 */
class BadManifestsTest {
    static final Path DIR = Path.of("src/test/resources/bad-manifests");

    static Map<String, String> expected() throws IOException {
        return expected("expected-errors.txt");
    }

    /**
     * The cases only a Kafka version's own config definitions refuse (`keks up`, `apply` and `render` check against
     * them; the cli's BadInputTest runs these): the model alone takes them.
     */
    static Map<String, String> expectedWithKafka() throws IOException {
        return expected("expected-errors-kafka.txt");
    }

    static Map<String, String> expected(String file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DIR.resolve(file))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.put(line.substring(0, line.indexOf(".yaml") + 5), line);
            }
        }
        return out;
    }

    static List<Problem> errorsOf(String file) throws IOException {
        String text = Files.readString(DIR.resolve(file));
        try {
            ClusterModel.build(ManifestParser.parse(file, text), ClusterModel.Options.defaults());
            return List.of();
        } catch (ManifestException e) {
            return e.errors();
        }
    }

    @Test
    void corpusHasAtLeastThirtyCasesAndEachHasAnExpectation() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        List<String> expected = new java.util.ArrayList<>(expected().keySet());
        expected.addAll(expectedWithKafka().keySet());
        assertThat(expected).containsExactlyInAnyOrderElementsOf(files);
    }

    @TestFactory
    Stream<DynamicTest> whatOnlyKafkasDefinitionsRefuseTheModelAloneTakes() throws IOException {
        assertThat(expectedWithKafka()).isNotEmpty();
        return expectedWithKafka().keySet().stream().map(f -> DynamicTest.dynamicTest(f, () -> assertThat(errorsOf(f)).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> eachBadManifestIsRefusedWithItsExactMessage() throws IOException {
        return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
                assertThat(errorsOf(e.getKey())).extracting(Problem::format).containsExactly(e.getValue())));
    }

    @Test
    void anEvenNumberOfControllersIsOnlyAWarning() {
        String text = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: c}
                spec:
                  kafka:
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: both, labels: {strimzi.io/cluster: c}}
                spec:
                  replicas: 2
                  roles: [controller, broker]
                  storage: {type: ephemeral}
                """;
        var result = ClusterModel.build(ManifestParser.parse("even.yaml", text), ClusterModel.Options.defaults());
        assertThat(result.warnings()).extracting(Problem::format).containsExactly(
                "warning: even.yaml:1: 2 controllers: an even number tolerates no more failures than 1; use an odd number");
    }

    @Test
    void aReplaceKeyPolicyIsRenewedForTheSameKeyWithAWarning() {
        String text = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: c}
                spec:
                  clusterCa:
                    certificateExpirationPolicy: replace-key
                  kafka:
                    listeners: [{name: tls, port: 9093, type: internal, tls: true}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: both, labels: {strimzi.io/cluster: c}}
                spec:
                  replicas: 1
                  roles: [controller, broker]
                  storage: {type: ephemeral}
                """;
        var result = ClusterModel.build(ManifestParser.parse("policy.yaml", text), ClusterModel.Options.defaults());
        assertThat(result.warnings()).extracting(Problem::format).containsExactly("warning: policy.yaml:6:"
                + " spec.clusterCa.certificateExpirationPolicy: replace-key is not supported yet: when the CA's certificate is due,"
                + " keks renews it for the same key (renew-certificate)");
        assertThat(result.cluster()).isNotNull();
    }

    @Test
    void anExternalListenerIsServedInsideTheClusterWithAWarning() {
        String text = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: c}
                spec:
                  kafka:
                    listeners:
                      - {name: plain, port: 9092, type: internal, tls: false}
                      - {name: external, port: 9094, type: loadbalancer, tls: true}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: both, labels: {strimzi.io/cluster: c}}
                spec:
                  replicas: 1
                  roles: [controller, broker]
                  storage: {type: ephemeral}
                """;
        var result = ClusterModel.build(ManifestParser.parse("lb.yaml", text), ClusterModel.Options.defaults());
        assertThat(result.warnings()).extracting(Problem::format).containsExactly("warning: lb.yaml:8: spec.kafka.listeners[1].type:"
                + " keks serves listener external inside the cluster only (as internal); loadbalancer exposure is not built yet");
        assertThat(result.cluster().listeners()).hasSize(2);
    }

    @Test
    void otherKindsAreSkippedWithANoteAndDoNotStopTheCluster() {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: {name: kafka-bootstrap}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaConnect
                metadata: {name: connect}
                """;
        var manifests = ManifestParser.parse("mixed.yaml", text);
        assertThat(manifests.problems()).extracting(Problem::format).containsExactly(
                "warning: mixed.yaml:2: kind: Service (v1) is not a kafka.strimzi.io resource; keks does not support it yet, so this document is skipped",
                "warning: mixed.yaml:6: kind: KafkaConnect is not supported yet; this document is skipped");
        assertThat(manifests.hasErrors()).isFalse();
    }

    @Test
    void aBadDocumentDoesNotHideTheOthers() {
        assertThatThrownBy(() -> ClusterModel.build(ManifestParser.parse("x.yaml", "kind: Kafka\n"), ClusterModel.Options.defaults()))
                .isInstanceOf(ManifestException.class)
                .hasMessage("x.yaml:1: apiVersion: apiVersion is missing; every document needs apiVersion and kind");
    }
}
