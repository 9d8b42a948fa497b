package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.ManifestFiles;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator as it runs in its pod, on the Java Operator SDK, against the mock API server: it
 * reconciles what appears in a watched namespace, patches the status without server-side apply,
 * and serves its metrics, liveness and readiness.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KeksOperatorTest {
    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKafkaWithoutNodePoolsIsReconciledToReadyFalseAndTheEndpointsAnswer() throws Exception {
        Kafka kafka = ManifestFiles.read(List.of(Path.of(System.getProperty("keks.install.dir", ".."), "examples", "kafka-manifests")))
                .kafkas().get(0).resource();
        kafka.getMetadata().setNamespace("team-a");
        client.resources(Kafka.class).inNamespace("team-a").resource(kafka).create();
        try (KeksOperator operator = new KeksOperator(client, c -> {
            throw new AssertionError("no Kafka to reach");
        }, new KeksOperator.Config(Set.of("team-a"), Optional.empty(), 0, KafkaReconciliation.Settings.defaults(), java.time.Duration.ofMinutes(10)))) {
            operator.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Kafka k = client.resources(Kafka.class).inNamespace("team-a").withName("cluster").get();
                return k.getStatus() != null && !k.getStatus().getConditions().isEmpty();
            });
            var ready = client.resources(Kafka.class).inNamespace("team-a").withName("cluster").get().getStatus().getConditions().get(0);
            assertThat(ready.getType()).isEqualTo("Ready");
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("InvalidResource");
            assertThat(ready.getMessage()).contains("no KafkaNodePool with role broker for Kafka cluster");

            assertThat(get(operator.httpPort(), "/healthz").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(operator.httpPort(), "/readyz").statusCode() == 200);
            String metrics = get(operator.httpPort(), "/metrics").body();
            assertThat(metrics).contains("jvm_memory_used_bytes", "operator_sdk_reconciliations_executions");

            // a Kafka whose reconciliation fails (the API server errs on its pools): the failure counter appears
            server.expect().get().withPath("/apis/kafka.strimzi.io/v1beta2/namespaces/team-a/kafkanodepools?labelSelector="
                    + java.net.URLEncoder.encode("strimzi.io/cluster=broken", java.nio.charset.StandardCharsets.UTF_8))
                    .andReturn(500, "the API server failed").always();
            Kafka broken = ManifestFiles.read(List.of(Path.of(System.getProperty("keks.install.dir", ".."), "examples", "kafka-manifests")))
                    .kafkas().get(0).resource();
            broken.getMetadata().setName("broken");
            broken.getMetadata().setNamespace("team-a");
            client.resources(Kafka.class).inNamespace("team-a").resource(broken).create();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(operator.httpPort(), "/metrics").body()
                    .contains("operator_sdk_reconciliations_failed_total"));
            // the resources-by-kind gauge counts both Kafkas of the namespace
            var samples = io.keks.engine.metrics.PrometheusText.parse(get(operator.httpPort(), "/metrics").body());
            assertThat(io.keks.engine.metrics.PrometheusText.value(samples, "keks_resources",
                    java.util.Map.of("kind", "Kafka", "namespace", "team-a"))).contains(2.0);
            // every operator series the operator dashboard and the alerts query is one this scrape has
            java.util.Set<String> scraped = new java.util.HashSet<>();
            samples.forEach(x -> scraped.add(x.name()));
            Path monitoring = Path.of(System.getProperty("keks.install.dir", ".."), "deploy", "monitoring");
            java.util.List<String> queries = new java.util.ArrayList<>();
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            json.readTree(monitoring.resolve("dashboards/operator.json").toFile()).path("panels")
                    .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(monitoring.resolve("rules/kafka-alerts.yaml").toFile()).path("spec").path("groups")
                    .forEach(g -> g.path("rules").forEach(r -> queries.add(r.path("expr").asText())));
            java.util.Set<String> queried = new java.util.TreeSet<>();
            for (String q : queries) {
                // the lag exporter's own keks_ series (its poll, the log directories) are checked against a real exporter
                // (SeedClusterTest)
                var m = java.util.regex.Pattern.compile("\\b(operator_sdk_[a-z_]+|keks_(?!lag_exporter_|log_dir_)[a-z_]+|jvm_[a-z_]+"
                        + "|process_cpu_usage)\\b")
                        .matcher(q.replaceAll("\"[^\"]*\"", "\"\""));
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
            assertThat(queried).contains("operator_sdk_reconciliations_failed_total", "keks_resources", "jvm_memory_used_bytes");
            assertThat(scraped).containsAll(queried);
        }
    }

    @Test
    void withLeaderElectionTheOperatorHoldsALeaseBeforeItReconciles() throws Exception {
        // the SDK first asks whether it may use leases; the mock server cannot answer that by itself
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                        .withNewStatus().withIncomplete(false).addNewResourceRule().withApiGroups("coordination.k8s.io")
                        .withResources("leases").withVerbs("get", "create", "update").endResourceRule().endStatus().build())
                .always();
        try (KeksOperator operator = new KeksOperator(client, c -> {
            throw new AssertionError("no Kafka to reach");
        }, new KeksOperator.Config(Set.of("team-b"), Optional.of("keks-operator"), 0, KafkaReconciliation.Settings.defaults(), java.time.Duration.ofMinutes(10)))) {
            operator.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var lease = client.leases().inNamespace("keks-operator").withName("keks-operator").get();
                return lease != null && lease.getSpec().getHolderIdentity() != null;
            });
        }
    }
}
