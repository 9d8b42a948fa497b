package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.keks.engine.ClusterMemory;
import io.keks.model.ClusterModel;
import io.keks.model.KafkaConfigRules;
import io.keks.model.KafkaVersion;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
        return model(manifests, currentNodeIds, v -> KafkaConfigRules.NONE);
    }

    /** The same, with config values checked against {@code rules} of the cluster's Kafka version. */
    public static ClusterModel.Result model(Manifests manifests, Map<String, List<Integer>> currentNodeIds,
                                            Function<KafkaVersion, KafkaConfigRules> rules) {
        return ClusterModel.build(manifests, new ClusterModel.Options(currentNodeIds, Long.MAX_VALUE).withConfigRules(rules));
    }

    /** A dry run: a new cluster's objects, with an identity derived from its name so that the output is stable. */
    public static Result render(Manifests manifests, RenderOptions options) {
        return render(manifests, options, v -> KafkaConfigRules.NONE);
    }

    /** A dry run whose config values are checked against {@code rules} of the cluster's Kafka version. */
    public static Result render(Manifests manifests, RenderOptions options, Function<KafkaVersion, KafkaConfigRules> rules) {
        ClusterModel.Result model = ClusterModel.build(manifests, new ClusterModel.Options(Map.of(), Long.MAX_VALUE).withConfigRules(rules));
        return new Result(ClusterObjects.render(manifests, model.cluster(), ClusterMemory.derived(model.cluster()), options),
                model.warnings());
    }
}
