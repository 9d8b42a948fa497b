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

/**
 * The operator as it runs in its pod, on the Java Operator SDK, against the mock API server: it
 * reconciles what appears in a watched namespace, patches the status without server-side apply,
 * and serves its metrics, liveness and readiness.
 */
@EnableKubernetesMockClient(crud = true)
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
        }, new KeksOperator.Config(Set.of("team-a"), Optional.empty(), 0, KafkaClusterReconcile.Settings.defaults(), java.time.Duration.ofMinutes(10)))) {
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
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "operator-scrape.txt"), metrics);
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
        }, new KeksOperator.Config(Set.of("team-b"), Optional.of("keks-operator"), 0, KafkaClusterReconcile.Settings.defaults(), java.time.Duration.ofMinutes(10)))) {
            operator.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var lease = client.leases().inNamespace("keks-operator").withName("keks-operator").get();
                return lease != null && lease.getSpec().getHolderIdentity() != null;
            });
        }
    }
}
