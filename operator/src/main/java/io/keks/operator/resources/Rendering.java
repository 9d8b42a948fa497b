package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.keks.model.ClusterModel;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.util.List;
import java.util.Map;

/** Manifests to the Kubernetes objects of their cluster, as {@code keks render} shows them. */
public final class Rendering {
    private Rendering() {
    }

    /** The objects, and the notes the model made on the manifests (warnings). */
    public record Result(List<HasMetadata> objects, List<Problem> warnings) {
    }

    /**
     * On Kubernetes a node gets the heap its manifest asks for: no machine-sized cap as on a laptop.
     *
     * @param currentNodeIds node ids per pool as the cluster has them (status.nodeIds), empty for a new one
     */
    public static ClusterModel.Result model(Manifests manifests, Map<String, List<Integer>> currentNodeIds) {
        ClusterModel.Result model = ClusterModel.build(manifests, new ClusterModel.Options(currentNodeIds, Long.MAX_VALUE));
        if (model.cluster().secured() && !manifests.kafkas().isEmpty()) {
            // a secured cluster's internal listeners need every node's certificate and the CA's trust store in
            // the pods, which they do not get yet: refusing beats running the cluster open
            var kafka = manifests.kafkas().get(0);
            throw new io.keks.model.manifest.ManifestException(List.of(kafka.error(
                    kafka.resource().getSpec().getKafka().getAuthorization() != null ? "/spec/kafka/authorization" : "/spec/kafka/listeners",
                    "authentication and authorization run on local clusters (keks up) so far; the keks operator does not"
                            + " serve them yet, so remove them from this Kafka to run it on Kubernetes")));
        }
        return model;
    }

    /** A dry run: a new cluster's objects, with an identity derived from its name so that the output is stable. */
    public static Result render(Manifests manifests, RenderOptions options) {
        ClusterModel.Result model = model(manifests, Map.of());
        return new Result(ClusterObjects.render(manifests, model.cluster(), ClusterIdentity.derived(model.cluster()), options),
                model.warnings());
    }
}
