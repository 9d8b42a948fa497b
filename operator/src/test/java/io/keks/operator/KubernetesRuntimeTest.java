package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.model.DesiredNode;
import io.keks.model.Role;
import io.keks.model.VolumeSpec;
import io.keks.operator.resources.KafkaNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What starting a node's pod does to the claims around it. */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KubernetesRuntimeTest {
    KubernetesClient client;
    final KafkaNames names = new KafkaNames("kafka", "cluster");

    void claim(String name, String pod, boolean ownedByTheKafka) {
        var meta = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("kafka")
                .addToLabels("statefulset.kubernetes.io/pod-name", pod);
        if (ownedByTheKafka) {
            meta.addNewOwnerReference().withApiVersion("kafka.strimzi.io/v1beta2").withKind("Kafka").withName("cluster")
                    .withUid("uid-1").endOwnerReference();
        }
        client.persistentVolumeClaims().inNamespace("kafka").resource(meta.endMetadata().withNewSpec().withNewResources()
                .addToRequests("storage", new Quantity("10Gi")).endResources().endSpec().build()).create();
    }

    List<String> claims() {
        return client.persistentVolumeClaims().inNamespace("kafka").list().getItems().stream().map(c -> c.getMetadata().getName())
                .sorted().toList();
    }

    @Test
    void aNodeStartedWithoutAVolumeDropsItsClaimOnlyWhenThePoolAskedForDeleteClaim() throws Exception {
        VolumeSpec zero = new VolumeSpec(0, "persistent-claim", 10L << 30, "10Gi", null, true, true);
        DesiredNode b0 = new DesiredNode(0, "broker", Set.of(Role.BROKER), null, List.of(zero), null);
        DesiredNode b1 = new DesiredNode(1, "broker", Set.of(Role.BROKER), null, List.of(zero), null);
        String pod0 = names.pod(b0);
        String pod1 = names.pod(b1);
        claim("data-0-" + pod0, pod0, true);
        claim("data-1-" + pod0, pod0, true);
        claim("data-0-" + pod1, pod1, true);
        claim("data-1-" + pod1, pod1, false);
        Map<Integer, Pod> pods = Map.of(0, pod(pod0), 1, pod(pod1));
        KubernetesRuntime runtime = new KubernetesRuntime(client, names, pods, n -> null);

        runtime.start(b0);
        assertThat(claims()).as("volume 1 of node 0 was the Kafka's to delete; node 1's claims are untouched")
                .containsExactly("data-0-" + pod0, "data-0-" + pod1, "data-1-" + pod1);
        runtime.start(b1);
        assertThat(claims()).as("a claim the Kafka does not own (deleteClaim: false) stays when its volume is removed")
                .containsExactly("data-0-" + pod0, "data-0-" + pod1, "data-1-" + pod1);
        assertThat(client.pods().inNamespace("kafka").list().getItems()).hasSize(2);
    }

    static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("kafka").endMetadata().build();
    }
}
