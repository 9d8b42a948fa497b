package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.ManifestFiles;
import io.keks.operator.ApiServerRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object rendered for the examples passes the Kubernetes OpenAPI schemas (npm kubernetes-models). */
class OpenApiValidationTest {
    static final Path VALIDATE = Path.of("src", "test", "node", "validate.mjs");

    @BeforeAll
    static void install() throws Exception {
        NpmTools.ensure();
    }

    static NpmTools.Run validate(List<HasMetadata> objects, String name) throws Exception {
        Path file = NpmTools.DIR.resolve(name + ".json");
        Files.writeString(file, Serialization.asJson(new KubernetesListBuilder().withItems(new ArrayList<>(objects)).build()));
        return NpmTools.node(VALIDATE, file.toString());
    }

    static List<HasMetadata> render(String... examples) {
        List<Path> paths = java.util.Arrays.stream(examples).map(SeedObjectsTest.EXAMPLES::resolve).toList();
        return Rendering.render(ManifestFiles.read(paths), RenderOptions.defaults()).objects();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka-manifests", "seed-3.9", "v1", "dev"})
    void everyObjectOfTheExampleIsValid(String example) throws Exception {
        List<HasMetadata> objects = render(example);
        NpmTools.Run r = validate(objects, example);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> l.startsWith("ok "))).hasSize(objects.size());
    }

    /**
     * The seed's sample applications and load test for EKS (examples/eks): the Kubernetes objects
     * pass the Kubernetes schemas, the KafkaTopics the CRD's as the API server would read them.
     */
    @Test
    void theEksSampleApplicationsAndLoadTestAreValidObjects() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<HasMetadata> objects = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        try (Stream<Path> files = Files.list(SeedObjectsTest.EXAMPLES.resolve("eks"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : yaml.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile()).readAll()) {
                    kinds.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText());
                    if (doc.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                        List<String> refused = new ArrayList<>();
                        List<String> pruned = new ArrayList<>();
                        ApiServerRules.check("POST", "/apis/" + doc.path("apiVersion").asText() + "/namespaces/kafka/kafkatopics",
                                doc.toString(), refused, pruned);
                        assertThat(refused).as(f + " " + doc.path("metadata").path("name").asText()).isEmpty();
                        assertThat(pruned).as(f + " " + doc.path("metadata").path("name").asText()).isEmpty();
                    } else {
                        objects.add(Serialization.unmarshal(doc.toString(), HasMetadata.class));
                    }
                }
            }
        }
        assertThat(kinds).contains("Deployment/text-producer", "Deployment/word-count", "Deployment/word-count-consumer",
                "Job/kafka-load-test", "KafkaTopic/streams-plaintext-input", "KafkaTopic/load-test");
        NpmTools.Run r = validate(objects, "eks-examples");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> l.startsWith("ok "))).hasSize(objects.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka-manifests"})
    void anInvalidObjectIsReportedByName(String example) throws Exception {
        List<HasMetadata> objects = render(example);
        Pod pod = (Pod) objects.stream().filter(o -> o instanceof Pod).findFirst().orElseThrow();
        pod.getSpec().getContainers().get(0).setImagePullPolicy(null);
        pod.getSpec().setRestartPolicy(null);
        pod.getSpec().getContainers().get(0).setName(null);
        NpmTools.Run r = validate(objects, "broken");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("invalid Pod/" + pod.getMetadata().getName() + ": ").contains("name");
    }
}
