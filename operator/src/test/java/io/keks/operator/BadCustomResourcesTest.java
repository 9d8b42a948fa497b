package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The manifests of the model's bad-manifests corpus that the Kubernetes API server would accept
 * (well-formed, known fields, right types: what a CRD schema checks) but keks must refuse, given as
 * custom resources: each Kafka gets Ready=False, reason InvalidResource, and the corpus' message for
 * the field, and the operator touches nothing.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class BadCustomResourcesTest {
    static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    static final Path CORPUS = Path.of(System.getProperty("keks.install.dir", ".."), "model", "src", "test", "resources", "bad-manifests");
    KubernetesClient client;

    /** The CRD schema refuses these (an unknown enum value), so the operator never reads them. */
    /**
     * A pool whose strimzi.io/cluster label names no Kafka, or is missing, is not this Kafka's pool on
     * Kubernetes: the Kafka hears that it has no broker pool.
     */
    static final Map<String, String> OPERATOR_VIEW = Map.of(
            "22-pool-names-other-kafka.yaml", "no KafkaNodePool with role broker for Kafka c",
            "23-pool-without-cluster-label.yaml", "no KafkaNodePool with role broker for Kafka c",
            // the ConfigMap is named by its namespace and name rather than a file
            "43-metrics-configmap-key-missing.yaml", "/kafka-metrics) has no key \"kafka-metrics-config.yml\"; its keys: metrics.yml");

    /**
     * file -> "field: message", from expected-errors.txt and expected-errors-kafka.txt: the operator checks config values
     * against the definitions of the Kafka it carries, which is the corpus' version.
     */
    static Map<String, String> expected() throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(CORPUS.resolve("expected-errors.txt")));
        lines.addAll(Files.readAllLines(CORPUS.resolve("expected-errors-kafka.txt")));
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String file = line.substring(0, line.indexOf(':'));
            String rest = line.substring(file.length() + 1);
            m.put(file, rest.substring(rest.indexOf(": ") + 2));
        }
        return m;
    }

    @Test
    void everyBadResourceTheApiServerWouldStoreGetsItsConditionAndNothingIsCreated() throws Exception {
        KafkaReconciliation reconcile = new KafkaReconciliation(client, cluster -> {
            throw new AssertionError("a bad resource must not reach Kafka");
        }, KafkaReconciliation.Settings.defaults());
        List<String> checked = new ArrayList<>();
        List<String> refusedByTheApiServer = new ArrayList<>();
        int namespace = 0;
        for (Map.Entry<String, String> e : expected().entrySet()) {
            Manifests m = ManifestParser.parse(e.getKey(), Files.readString(CORPUS.resolve(e.getKey())));
            // what a CRD schema rejects (malformed YAML, unknown fields, wrong types) never reaches the operator
            // (KafkaTopic and KafkaUser problems are their own reconcilers', not the Kafka's)
            if (m.hasErrors() || m.kafkas().size() != 1 || !m.topics().isEmpty() || !m.users().isEmpty()) {
                continue;
            }
            String ns = "bad-" + (namespace++);
            Kafka kafka = m.kafkas().get(0).resource();
            // what the CRDs' schemas refuse (a pattern, an enum) the API server never stores (ApiServerRules)
            // (read as written: a typed object has already lost a value its enum does not know)
            List<String> refused = new ArrayList<>();
            for (var doc : YAML.readerFor(com.fasterxml.jackson.databind.JsonNode.class)
                    .<com.fasterxml.jackson.databind.JsonNode>readValues(CORPUS.resolve(e.getKey()).toFile()).readAll()) {
                String kind = doc.path("kind").asText();
                if (kind.equals("Kafka") || kind.equals("KafkaNodePool")) {
                    ApiServerRules.check("POST", "/apis/" + doc.path("apiVersion").asText() + "/namespaces/" + ns + "/"
                            + kind.toLowerCase(java.util.Locale.ROOT) + "s", doc.toString(), refused, new ArrayList<>());
                }
            }
            if (!refused.isEmpty()) {
                refusedByTheApiServer.add(e.getKey());
                continue;
            }
            kafka.getMetadata().setNamespace(ns);
            client.resources(Kafka.class).inNamespace(ns).resource(kafka).create();
            for (var p : m.nodePools()) {
                p.resource().getMetadata().setNamespace(ns);
                client.resources(KafkaNodePool.class).inNamespace(ns).resource(p.resource()).create();
            }
            for (var c : m.configMaps()) {
                c.resource().getMetadata().setNamespace(ns);
                client.configMaps().inNamespace(ns).resource(c.resource()).create();
            }
            Kafka stored = client.resources(Kafka.class).inNamespace(ns).withName(kafka.getMetadata().getName()).get();
            Condition ready = reconcile.reconcile(stored).condition("Ready").orElseThrow();
            assertThat(ready.getStatus()).as(e.getKey()).isEqualTo("False");
            assertThat(ready.getReason()).as(e.getKey()).isEqualTo("InvalidResource");
            assertThat(ready.getMessage()).as(e.getKey()).contains(OPERATOR_VIEW.getOrDefault(e.getKey(), e.getValue()));
            assertThat(client.pods().inNamespace(ns).list().getItems()).as(e.getKey()).isEmpty();
            assertThat(client.configMaps().inNamespace(ns).list().getItems()).as(e.getKey()).hasSameSizeAs(m.configMaps());
            checked.add(e.getKey());
        }
        // KafkaTopic problems are the topic reconciler's; the rest of the corpus is what a CRD schema rejects
        assertThat(checked).as("bad custom resources checked").hasSizeGreaterThanOrEqualTo(20);
        assertThat(refusedByTheApiServer).as("refused by the CRDs' schemas").contains("01-bad-listener-name.yaml",
                "13-listener-type-unknown.yaml", "51-role-zookeeper.yaml");
    }
}
