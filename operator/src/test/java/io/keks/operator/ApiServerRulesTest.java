package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolBuilder;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolStatusBuilder;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stand-in for a real API server's rules that every mock-server test of the operator runs under
 * (ApiServerRules), read against the generated CRDs, and the mock server's answer to a stale write.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
class ApiServerRulesTest {
    KubernetesClient client;

    static final String POOL_STATUS = "/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools/brokers/status";

    record Found(List<String> refused, List<String> pruned) {
    }

    static Found check(String method, String path, String body) {
        Found f = new Found(new ArrayList<>(), new ArrayList<>());
        ApiServerRules.check(method, path, body, f.refused(), f.pruned());
        return f;
    }

    KafkaNodePool pool() {
        return new KafkaNodePoolBuilder().withNewMetadata().withName("brokers").withNamespace("kafka")
                .withLabels(Map.of("strimzi.io/cluster", "cluster")).endMetadata()
                .withNewSpec().withReplicas(3).withRoles(ProcessRoles.BROKER).withNewEphemeralStorage().endEphemeralStorage().endSpec()
                .build();
    }

    @Test
    void aStatusFieldTheSchemaDoesNotDeclareIsPrunedAndDeclaredOnesAreKept() {
        Found kept = check("PUT", POOL_STATUS, """
                {"apiVersion":"kafka.strimzi.io/v1","kind":"KafkaNodePool","metadata":{"name":"brokers","resourceVersion":"3"},
                 "spec":{"replicas":3,"roles":["broker"],"storage":{"type":"ephemeral"}},
                 "status":{"nodeIds":[0,1,2],"replicas":3,"roles":["broker"],"observedGeneration":1}}""");
        assertThat(kept.refused()).isEmpty();
        assertThat(kept.pruned()).isEmpty();

        Found pruned = check("PUT", POOL_STATUS, """
                {"apiVersion":"kafka.strimzi.io/v1","kind":"KafkaNodePool","metadata":{"name":"brokers"},
                 "spec":{"replicas":3,"roles":["broker"],"storage":{"type":"ephemeral"}},
                 "status":{"nodeIds":[0,1,2],"diskUse":{"0":0.5}}}""");
        assertThat(pruned.pruned()).containsExactly("kafkanodepools/status .status.diskUse: not in the CRD's schema, so the API server prunes it");
    }

    @Test
    void valuesOfTheWrongShapeAndMissingRequiredFieldsAreRefused() {
        Found f = check("POST", "/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools", """
                {"apiVersion":"kafka.strimzi.io/v1","kind":"KafkaNodePool","metadata":{"name":"brokers"},
                 "spec":{"replicas":"three","roles":["gateway"]}}""");
        assertThat(f.refused()).anySatisfy(r -> assertThat(r).contains(".spec.replicas: must be an integer"))
                .anySatisfy(r -> assertThat(r).contains(".spec.roles[0]: \"gateway\" is not one of"))
                .anySatisfy(r -> assertThat(r).contains(".spec.storage: Required value"));
    }

    @Test
    void patchesAreReadAsPatches() {
        // a merge patch carries part of the object, and null removes a field
        Found merge = check("PATCH", POOL_STATUS, """
                {"status":{"replicas":3,"nodeIds":null}}""");
        assertThat(merge.refused()).isEmpty();
        assertThat(merge.pruned()).isEmpty();
        // a JSON patch puts values at paths: each is read against the schema found at its path
        Found json = check("PATCH", "/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkatopics/orders/status", """
                [{"op":"add","path":"/status","value":{"topicName":"orders","conditions":[{"type":"Ready","status":"True","colour":"green"}]}},
                 {"op":"replace","path":"/status/partitions","value":12}]""");
        assertThat(json.pruned()).containsExactlyInAnyOrder(
                "kafkatopics/status /status.conditions[0].colour: not in the CRD's schema, so the API server prunes it",
                "kafkatopics/status /status/partitions: not in the CRD's schema, so the API server prunes it");
    }

    @Test
    void writesOfOtherGroupsAreLeftAlone() {
        assertThat(check("PUT", "/api/v1/namespaces/kafka/configmaps/x", "{\"data\":{\"a\":1}}")).isEqualTo(
                new Found(List.of(), List.of()));
    }

    @Test
    void theClientRefusesWhatTheApiServerWouldAndTheMockServerAnswersAStaleWriteWithAConflict() {
        KafkaNodePool bad = pool();
        bad.getSpec().setReplicas(-1);
        bad.getSpec().setStorage(null);
        assertThatThrownBy(() -> client.resources(KafkaNodePool.class).resource(bad).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("422").hasMessageContaining(".spec.storage: Required value");

        client.resources(KafkaNodePool.class).resource(pool()).create();
        KafkaNodePool first = client.resources(KafkaNodePool.class).inNamespace("kafka").withName("brokers").get();
        KafkaNodePool stale = client.resources(KafkaNodePool.class).inNamespace("kafka").withName("brokers").get();
        first.setStatus(new KafkaNodePoolStatusBuilder().withNodeIds(0, 1, 2).withReplicas(3).build());
        client.resources(KafkaNodePool.class).resource(first).updateStatus();

        stale.setStatus(new KafkaNodePoolStatusBuilder().withNodeIds(7).withReplicas(1).build());
        assertThatThrownBy(() -> client.resources(KafkaNodePool.class).resource(stale).updateStatus())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        stale.getSpec().setReplicas(5);
        assertThatThrownBy(() -> client.resources(KafkaNodePool.class).resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        KafkaNodePool now = client.resources(KafkaNodePool.class).inNamespace("kafka").withName("brokers").get();
        assertThat(now.getStatus().getNodeIds()).containsExactly(0, 1, 2);
        assertThat(now.getSpec().getReplicas()).isEqualTo(3);
    }
}
