package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.ManifestFiles;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.operator.resources.KafkaNames;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The claims as the grow-volumes step sees them on the API server, and how a claim is grown. */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KubernetesClaimsTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    static final long GI = 1L << 30;
    KubernetesClient client;

    PersistentVolumeClaim claim(String name, String storageClass, String request, String capacity) {
        var b = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("kafka").endMetadata().withNewSpec()
                .withStorageClassName(storageClass).withNewResources().addToRequests("storage", new Quantity(request)).endResources()
                .endSpec();
        if (capacity != null) {
            b.withNewStatus().addToCapacity("storage", new Quantity(capacity)).endStatus();
        }
        return client.persistentVolumeClaims().inNamespace("kafka").resource(b.build()).create();
    }

    @Test
    void eachClaimIsReadWithItsSizesItsLastGrowthAndWhetherItsClassCanGrow() throws Exception {
        DesiredCluster seed = ClusterModel.build(ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests"))),
                ClusterModel.Options.defaults()).cluster();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("gp3")
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata().withProvisioner("ebs.csi.aws.com")
                .withAllowVolumeExpansion(true).build()).create();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("fixed").endMetadata()
                .withProvisioner("ebs.csi.aws.com").withAllowVolumeExpansion(false).build()).create();
        claim("data-0-cluster-broker-0", null, "150Gi", "100Gi");
        claim("data-0-cluster-broker-1", "fixed", "100Gi", null);
        claim("data-0-cluster-broker-2", "missing", "100Gi", null);

        KubernetesClaims claims = new KubernetesClaims(client, KafkaNames.of(seed));
        List<VolumeGrowth.Claim> read = claims.claims(seed);
        assertThat(read).extracting(VolumeGrowth.Claim::name).containsExactly("data-0-cluster-broker-0", "data-0-cluster-broker-1",
                "data-0-cluster-broker-2");
        VolumeGrowth.Claim first = read.get(0);
        assertThat(first.requestBytes()).isEqualTo(150 * GI);
        assertThat(first.capacityBytes()).isEqualTo(100 * GI);
        assertThat(first.lastGrown()).isEmpty();
        assertThat(first.notExpandable()).as("the default class allows expansion").isEmpty();
        assertThat(read.get(1).capacityBytes()).isEqualTo(-1);
        assertThat(read.get(1).notExpandable()).hasValue("StorageClass fixed does not allow volume expansion; use a class with"
                + " allowVolumeExpansion: true");
        assertThat(read.get(2).notExpandable()).hasValue("StorageClass missing does not exist");

        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        claims.grow(new VolumeGrowth.Grow(read.get(1), 120 * GI, "test"), at);
        PersistentVolumeClaim grown = client.persistentVolumeClaims().inNamespace("kafka").withName("data-0-cluster-broker-1").get();
        assertThat(grown.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("120Gi");
        assertThat(grown.getSpec().getStorageClassName()).as("nothing else of the claim changes").isEqualTo("fixed");
        assertThat(new KubernetesClaims(client, KafkaNames.of(seed)).claims(seed).get(1).lastGrown()).hasValue(at);
        assertThat(read).noneMatch(c -> c.lastGrown().equals(Optional.of(at)));
    }
}
