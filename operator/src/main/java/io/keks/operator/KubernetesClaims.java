package io.keks.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.VolumeSpec;
import io.keks.operator.resources.KafkaNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The nodes' PersistentVolumeClaims as {@link VolumeGrowth} sees them: the size each asks for, the capacity the
 * storage reports, when keks last grew it (an annotation on the claim, so that a new operator knows too), and
 * whether its StorageClass allows expansion. A claim grows by a JSON merge patch of its request alone: the pod is
 * not touched, and the CSI driver and kubelet grow the volume and its filesystem online.
 */
final class KubernetesClaims implements VolumeGrowth.Claims {
    static final String GROWN_AT = "keks.io/grown-at";
    private final KubernetesClient client;
    private final KafkaNames names;
    private final Map<String, Optional<StorageClass>> classes = new HashMap<>();

    KubernetesClaims(KubernetesClient client, KafkaNames names) {
        this.client = client;
        this.names = names;
    }

    @Override
    public List<VolumeGrowth.Claim> claims(DesiredCluster applied) {
        List<VolumeGrowth.Claim> out = new ArrayList<>();
        for (DesiredNode node : applied.nodes()) {
            for (VolumeSpec v : node.volumes()) {
                if (!v.type().equals("persistent-claim")) {
                    continue;
                }
                PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(names.namespace()).withName(names.claim(node, v)).get();
                if (pvc != null) {
                    out.add(claim(node.id(), v.id(), pvc));
                }
            }
        }
        return out;
    }

    private VolumeGrowth.Claim claim(int node, int volume, PersistentVolumeClaim pvc) {
        String name = pvc.getMetadata().getName();
        long request = bytes(pvc.getSpec().getResources().getRequests().get("storage"));
        long capacity = pvc.getStatus() == null || pvc.getStatus().getCapacity() == null ? -1
                : bytes(pvc.getStatus().getCapacity().get("storage"));
        Optional<Instant> grown = Optional.ofNullable(pvc.getMetadata().getAnnotations()).map(a -> a.get(GROWN_AT)).flatMap(t -> {
            try {
                return Optional.of(Instant.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
        String className = pvc.getSpec().getStorageClassName();
        Optional<StorageClass> cls = classes.computeIfAbsent(className == null ? "" : className, n -> storageClass(className));
        Optional<String> notExpandable = cls.isEmpty()
                ? Optional.of(className == null ? "the cluster has no default StorageClass" : "StorageClass " + className + " does not exist")
                : Boolean.TRUE.equals(cls.get().getAllowVolumeExpansion()) ? Optional.empty()
                : Optional.of("StorageClass " + cls.get().getMetadata().getName() + " does not allow volume expansion; use a class with"
                        + " allowVolumeExpansion: true");
        return new VolumeGrowth.Claim(node, volume, name, request, capacity, grown, notExpandable);
    }

    @Override
    public void grow(VolumeGrowth.Grow grow, Instant at) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + GROWN_AT + "\":\"" + at + "\"}},\"spec\":{\"resources\":{\"requests\":"
                + "{\"storage\":\"" + io.keks.model.Quantity.kubernetesSize(grow.toBytes()) + "\"}}}}";
        client.persistentVolumeClaims().inNamespace(names.namespace()).withName(grow.claim().name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private static long bytes(Quantity q) {
        return q == null ? -1 : Quantity.getAmountInBytes(q).longValue();
    }

    /** The named class, or the cluster's default one when the claim names none. */
    private Optional<StorageClass> storageClass(String name) {
        var all = client.storage().v1().storageClasses();
        if (name != null) {
            return Optional.ofNullable(all.withName(name).get());
        }
        return all.list().getItems().stream().filter(c -> c.getMetadata().getAnnotations() != null
                && "true".equals(c.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class"))).findFirst();
    }
}
