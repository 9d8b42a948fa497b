package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class RackInitTest {
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theRackIsTheZoneLabelOfThePodsNode() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("ip-10-0-1-7")
                .addToLabels("topology.kubernetes.io/zone", "eu-west-1b").endMetadata().build()).create();
        Path out = dir.resolve("rack/rack");
        assertThat(RackInit.writeRack(client, "ip-10-0-1-7", "topology.kubernetes.io/zone", out)).isEqualTo("eu-west-1b");
        assertThat(Files.readString(out)).isEqualTo("eu-west-1b");
    }

    @Test
    void aNodeWithoutTheLabelStopsThePodWithTheReason() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build()).create();
        assertThatThrownBy(() -> RackInit.writeRack(client, "bare", "topology.kubernetes.io/zone", dir.resolve("rack")))
                .hasMessage("Kubernetes node bare has no label topology.kubernetes.io/zone, which spec.kafka.rack.topologyKey names;"
                        + " label the node or change the topology key");
        assertThatThrownBy(() -> RackInit.writeRack(client, "gone", "topology.kubernetes.io/zone", dir.resolve("rack")))
                .hasMessage("Kubernetes node gone not found");
    }
}
