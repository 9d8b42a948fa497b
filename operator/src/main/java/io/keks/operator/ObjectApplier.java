package io.keks.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes rendered objects with plain create and JSON merge patch, the calls that behave the same on
 * every API server (no server-side apply). Claims are only created, and grown when the storage class
 * allows it; a claim never shrinks.
 */
final class ObjectApplier {
    private final KubernetesClient client;
    private final List<String> warnings = new ArrayList<>();

    ObjectApplier(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the object, or merges it into the one that exists; true when it was created. */
    boolean apply(HasMetadata desired) {
        HasMetadata existing = client.resource(desired).get();
        if (existing == null) {
            client.resource(desired).create();
            return true;
        }
        if (desired instanceof PersistentVolumeClaim claim) {
            grow((PersistentVolumeClaim) existing, claim);
            return false;
        }
        if (!contains(Serialization.jsonMapper().valueToTree(existing), Serialization.jsonMapper().valueToTree(desired))) {
            client.resource(desired).patch(PatchContext.of(PatchType.JSON_MERGE));
        }
        return false;
    }

    /**
     * Whether {@code have} already has everything {@code want} sets (fields the server added, such as a
     * Service's cluster IP, do not count): then nothing is written and nothing churns.
     */
    static boolean contains(JsonNode have, JsonNode want) {
        if (want == null || want.isNull()) {
            return true;
        }
        if (have == null) {
            return false;
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return false;
            }
            for (var fields = want.fields(); fields.hasNext(); ) {
                var f = fields.next();
                if (!contains(have.get(f.getKey()), f.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                return false;
            }
            for (int i = 0; i < want.size(); i++) {
                if (!contains(have.get(i), want.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return want.equals(have) || want.asText().equals(have.asText());
    }

    private void grow(PersistentVolumeClaim existing, PersistentVolumeClaim desired) {
        Quantity had = existing.getSpec().getResources().getRequests().get("storage");
        Quantity want = desired.getSpec().getResources().getRequests().get("storage");
        if (Quantity.getAmountInBytes(want).compareTo(Quantity.getAmountInBytes(had)) <= 0) {
            return;
        }
        String name = existing.getMetadata().getName();
        Optional<StorageClass> cls = storageClass(existing.getSpec().getStorageClassName());
        if (cls.isEmpty() || !Boolean.TRUE.equals(cls.get().getAllowVolumeExpansion())) {
            warnings.add("claim " + name + " stays at " + had + " (the manifest asks for " + want + "): "
                    + cls.map(c -> "StorageClass " + c.getMetadata().getName() + " does not allow volume expansion")
                    .orElse("its StorageClass is unknown") + "; use a class with allowVolumeExpansion: true");
            return;
        }
        existing.getSpec().getResources().getRequests().put("storage", want);
        client.resource(existing).patch(PatchContext.of(PatchType.JSON_MERGE));
    }

    /** The named class, or the cluster's default one when the claim names none. */
    private Optional<StorageClass> storageClass(String name) {
        var classes = client.storage().v1().storageClasses();
        if (name != null) {
            return Optional.ofNullable(classes.withName(name).get());
        }
        return classes.list().getItems().stream().filter(c -> c.getMetadata().getAnnotations() != null
                && "true".equals(c.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class"))).findFirst();
    }

    /** What could not be done as the manifests ask, for the Kafka's Warning conditions. */
    List<String> warnings() {
        return warnings;
    }
}
