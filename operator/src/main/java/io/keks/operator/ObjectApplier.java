package io.keks.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes rendered objects with plain create and JSON merge patch, the calls that behave the same on
 * every API server (no server-side apply). Claims are only created here: {@link KubernetesClaims} grows them,
 * and nothing shrinks them.
 */
final class ObjectApplier {
    private final KubernetesClient client;

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
        if (desired instanceof PersistentVolumeClaim) {
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

}
