package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class ObjectApplierTest {
    static final ObjectMapper JSON = new ObjectMapper();
    KubernetesClient client;

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void whatTheServerAddedDoesNotCountButAChangedValueDoes() throws Exception {
        JsonNode have = json("{\"spec\":{\"clusterIP\":\"10.0.0.7\",\"ports\":[{\"port\":9092,\"protocol\":\"TCP\"}]},\"metadata\":{\"uid\":\"u\"}}");
        assertThat(ObjectApplier.contains(have, json("{\"spec\":{\"ports\":[{\"port\":9092}]}}"))).isTrue();
        assertThat(ObjectApplier.contains(have, json("{\"spec\":{\"ports\":[{\"port\":9093}]}}"))).isFalse();
        assertThat(ObjectApplier.contains(have, json("{\"spec\":{\"ports\":[{\"port\":9092},{\"port\":9093}]}}"))).isFalse();
        assertThat(ObjectApplier.contains(have, json("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"))).isFalse();
    }

    @Test
    void anObjectInSyncIsNotWrittenAgainAndAChangedOneIs() {
        ObjectApplier applier = new ObjectApplier(client);
        Service s = new ServiceBuilder().withNewMetadata().withName("s").withNamespace("n").endMetadata().withNewSpec()
                .addNewPort().withPort(9092).endPort().endSpec().build();
        assertThat(applier.apply(s)).isTrue();
        String version = client.services().inNamespace("n").withName("s").get().getMetadata().getResourceVersion();
        assertThat(applier.apply(s)).isFalse();
        assertThat(client.services().inNamespace("n").withName("s").get().getMetadata().getResourceVersion()).isEqualTo(version);
        applier.apply(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("n").endMetadata().addToData("k", "1").build());
        applier.apply(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("n").endMetadata().addToData("k", "2").build());
        assertThat(client.configMaps().inNamespace("n").withName("c").get().getData()).containsEntry("k", "2");
    }

    @Test
    void aClaimIsCreatedAndThenLeftToKubernetesClaims() {
        ObjectApplier applier = new ObjectApplier(client);
        assertThat(applier.apply(claim("data", "gp3", "100Gi"))).isTrue();
        assertThat(applier.apply(claim("data", "gp3", "50Gi"))).isFalse();
        assertThat(applier.apply(claim("data", "gp3", "200Gi"))).isFalse();
        assertThat(client.persistentVolumeClaims().inNamespace("n").withName("data").get().getSpec().getResources().getRequests()
                .get("storage").toString()).isEqualTo("100Gi");
    }

    static io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim(String name, String cls, String size) {
        return new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("n")
                .endMetadata().withNewSpec().withStorageClassName(cls).withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(size)).endResources().endSpec().build();
    }
}
