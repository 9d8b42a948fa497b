package io.keks.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Custom resources read from the API server, checked by the same parser and rules as manifest files,
 * so a resource keks refuses on a laptop is refused the same way on Kubernetes.
 */
final class CustomResources {
    private CustomResources() {
    }

    /** The Kafka and its pools, for work that needs no metrics rules (topics). */
    static Manifests of(Kafka kafka, List<KafkaNodePool> pools) {
        return of(kafka, pools, Optional.empty());
    }

    /** @param metricsRules the ConfigMap spec.kafka.metricsConfig names, when it exists */
    static Manifests of(Kafka kafka, List<KafkaNodePool> pools, Optional<ConfigMap> metricsRules) {
        Manifests all = parse(kafka);
        for (KafkaNodePool p : pools) {
            all = all.plus(parse(p));
        }
        if (metricsRules.isPresent()) {
            all = all.plus(parse(metricsRules.get()));
        }
        return all;
    }

    /** The name of the ConfigMap with the Kafka's exporter rules, when it names one. */
    static Optional<String> metricsConfigMap(Kafka kafka) {
        if (kafka.getSpec() == null || kafka.getSpec().getKafka() == null
                || !(kafka.getSpec().getKafka().getMetricsConfig() instanceof JmxPrometheusExporterMetrics jmx)
                || jmx.getValueFrom() == null || jmx.getValueFrom().getConfigMapKeyRef() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(jmx.getValueFrom().getConfigMapKeyRef().getName());
    }

    /** A KafkaUser with its cluster's Kafka and pools, and the Secret its given password is in, when there is one. */
    static Manifests withUser(Kafka kafka, List<KafkaNodePool> pools, HasMetadata user, Optional<? extends HasMetadata> secret) {
        Manifests all = of(kafka, pools).plus(parse(user));
        return secret.isPresent() ? all.plus(parse(secret.get())) : all;
    }

    /** KafkaRebalances (the one reconciled, and the templates) with their cluster's Kafka and pools. */
    static Manifests withRebalances(Kafka kafka, List<KafkaNodePool> pools, List<? extends HasMetadata> rebalances) {
        return of(kafka, pools).plus(parsed(rebalances));
    }

    /** Resources read as manifests, on their own. */
    static Manifests parsed(List<? extends HasMetadata> resources) {
        Manifests all = Manifests.empty();
        for (HasMetadata r : resources) {
            all = all.plus(parse(r));
        }
        return all;
    }

    private static Manifests parse(HasMetadata resource) {
        return ManifestParser.parse(source(resource), Serialization.asYaml(resource));
    }

    /** How a resource is named in messages: {@code Kafka kafka/cluster}. */
    static String source(HasMetadata r) {
        return r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    /**
     * Problems as a condition message: the resource and field path without the line numbers of a
     * file that the user never wrote.
     */
    static String message(List<Problem> problems) {
        return problems.stream().filter(Problem::isError).map(CustomResources::describe).collect(Collectors.joining("; "));
    }

    static String describe(Problem p) {
        return p.source() + ": " + (p.field() == null || p.field().isEmpty() ? "" : p.field() + ": ") + p.message();
    }
}
