package io.keks.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.keks.model.manifest.YamlParser;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.common.metrics.MetricsConfig;
import io.strimzi.api.kafka.model.common.metrics.StrimziMetricsReporter;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.exporter.KafkaExporterSpec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code spec.kafka.metricsConfig} with the ConfigMap it names, and {@code spec.kafkaExporter}. Rules the exporter would refuse
 * are reported here, against the ConfigMap's file and key, instead of as a node that does not start.
 */
final class MetricsModel {
    private static final String AT = "/spec/kafka/metricsConfig";
    private static final String EXAMPLE = "examples/kafka-manifests/kafka-metrics.yaml holds keks' default rules";

    private MetricsModel() {
    }

    static Optional<MetricsSpec> metrics(Sourced<Kafka> kafka, String namespace, List<Sourced<ConfigMap>> configMaps,
                                         List<Problem> problems) {
        MetricsConfig config = kafka.resource().getSpec().getKafka().getMetricsConfig();
        if (config == null) {
            return Optional.empty();
        }
        if (config instanceof StrimziMetricsReporter reporter) {
            return reporter(kafka, reporter, problems);
        }
        if (!(config instanceof JmxPrometheusExporterMetrics jmx)) {
            problems.add(kafka.warning(AT + "/type", "metrics type " + config.getType() + " is not supported; keks serves"
                    + " metrics with type jmxPrometheusExporter or strimziMetricsReporter, so this cluster has no metrics endpoints"));
            return Optional.empty();
        }
        ConfigMapKeySelector ref = jmx.getValueFrom() == null ? null : jmx.getValueFrom().getConfigMapKeyRef();
        if (ref == null || ref.getName() == null || ref.getKey() == null) {
            problems.add(kafka.error(AT + "/valueFrom", "name the ConfigMap with the exporter rules:"
                    + " valueFrom.configMapKeyRef with name (kafka-metrics) and key (kafka-metrics-config.yml); " + EXAMPLE));
            return Optional.empty();
        }
        Optional<Sourced<ConfigMap>> found = configMaps.stream()
                .filter(c -> ref.getName().equals(c.resource().getMetadata().getName()))
                .filter(c -> c.resource().getMetadata().getNamespace() == null
                        || c.resource().getMetadata().getNamespace().equals(namespace))
                .reduce((first, later) -> later);
        if (found.isEmpty()) {
            return Optional.of(new MetricsSpec(ref.getName(), ref.getKey(), null));
        }
        Map<String, String> data = Optional.ofNullable(found.get().resource().getData()).orElse(Map.of());
        String rules = data.get(ref.getKey());
        if (rules == null) {
            problems.add(kafka.error(AT + "/valueFrom/configMapKeyRef/key", "ConfigMap " + ref.getName() + " ("
                    + found.get().document().source() + ") has no key \"" + ref.getKey() + "\"; its keys: "
                    + (data.isEmpty() ? "none" : String.join(", ", data.keySet()))));
            return Optional.empty();
        }
        checkRules(found.get(), ref.getKey(), rules, problems);
        return Optional.of(new MetricsSpec(ref.getName(), ref.getKey(), rules));
    }

    /**
     * Strimzi's metrics reporter: {@code values.allowList}, regular expressions over the names of the series it
     * serves, every one of them when there is none. The reporter reads the list comma-separated, so a pattern may
     * not hold a comma.
     */
    private static Optional<MetricsSpec> reporter(Sourced<Kafka> kafka, StrimziMetricsReporter reporter, List<Problem> problems) {
        List<String> allow = reporter.getValues() == null || reporter.getValues().getAllowList() == null
                ? List.of() : reporter.getValues().getAllowList();
        int before = problems.size();
        for (int i = 0; i < allow.size(); i++) {
            String at = AT + "/values/allowList/" + i;
            String pattern = allow.get(i);
            if (pattern == null || pattern.isBlank()) {
                problems.add(kafka.error(at, "an empty pattern matches nothing; remove it, or give a regular expression over"
                        + " series names such as kafka_server_replicamanager_.*"));
                continue;
            }
            if (pattern.contains(",")) {
                problems.add(kafka.error(at, "\"" + pattern + "\" holds a comma, which the reporter reads as the end of the"
                        + " pattern; give each alternative as its own entry"));
                continue;
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                problems.add(kafka.error(at, "\"" + pattern + "\" is not a regular expression: " + e.getDescription()
                        + " near index " + e.getIndex()));
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(MetricsSpec.reporter(allow.isEmpty() ? List.of(".*") : allow));
    }

    static Optional<ExporterSpec> exporter(Sourced<Kafka> kafka, List<Problem> problems) {
        KafkaExporterSpec spec = kafka.resource().getSpec().getKafkaExporter();
        if (spec == null) {
            return Optional.empty();
        }
        String at = "/spec/kafkaExporter/";
        List.of("topicRegex", "topicExcludeRegex", "groupRegex", "groupExcludeRegex").forEach(field -> {
            String value = switch (field) {
                case "topicRegex" -> spec.getTopicRegex();
                case "topicExcludeRegex" -> spec.getTopicExcludeRegex();
                case "groupRegex" -> spec.getGroupRegex();
                default -> spec.getGroupExcludeRegex();
            };
            if (value != null) {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    problems.add(kafka.error(at + field, "\"" + value + "\" is not a regular expression: " + e.getDescription()
                            + " near index " + e.getIndex()));
                }
            }
        });
        if (spec.getImage() != null) {
            problems.add(kafka.warning(at + "image", "ignored: keks serves these metrics itself"));
        }
        return Optional.of(new ExporterSpec(Optional.ofNullable(spec.getTopicRegex()).orElse(".*"), spec.getTopicExcludeRegex(),
                Optional.ofNullable(spec.getGroupRegex()).orElse(".*"), spec.getGroupExcludeRegex(), spec.getShowAllOffsets()));
    }

    /** What the agent checks when the node starts: a mapping whose rules are mappings with valid patterns. */
    private static void checkRules(Sourced<ConfigMap> configMap, String key, String rules, List<Problem> problems) {
        String at = "/data/" + key.replace("~", "~0").replace("/", "~1");
        YamlParser.Result parsed = YamlParser.parse(configMap.document().source() + " (data." + key + ")", rules);
        if (!parsed.problems().isEmpty()) {
            parsed.problems().forEach(p -> problems.add(configMap.error(at, "the exporter rules are not valid YAML (line " + p.line()
                    + " of data." + key + "): " + p.message())));
            return;
        }
        JsonNode tree = parsed.documents().isEmpty() ? null : parsed.documents().get(0).tree();
        if (tree == null || !tree.isObject()) {
            problems.add(configMap.error(at, "the exporter rules must be a YAML mapping (lowercaseOutputName, rules, ...); " + EXAMPLE));
            return;
        }
        for (String field : List.of("hostPort", "jmxUrl")) {
            if (tree.has(field)) {
                problems.add(configMap.error(at, field + " is for the standalone exporter; the agent inside each node reads"
                        + " its own JVM, so remove " + field));
            }
        }
        JsonNode list = tree.get("rules");
        if (list == null) {
            return;
        }
        if (!list.isArray()) {
            problems.add(configMap.error(at, "rules must be a list of rules, each with a pattern"));
            return;
        }
        int i = 0;
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); i++) {
            JsonNode rule = it.next();
            if (!rule.isObject()) {
                problems.add(configMap.error(at, "rules[" + i + "] must be a mapping with a pattern"));
                continue;
            }
            JsonNode pattern = rule.get("pattern");
            if (pattern != null) {
                try {
                    Pattern.compile(pattern.asText());
                } catch (PatternSyntaxException e) {
                    problems.add(configMap.error(at, "rules[" + i + "].pattern is not a regular expression: "
                            + e.getDescription() + " near index " + e.getIndex()));
                }
            }
            JsonNode type = rule.get("type");
            if (type != null && !List.of("GAUGE", "COUNTER", "UNTYPED").contains(type.asText())) {
                problems.add(configMap.error(at, "rules[" + i + "].type \"" + type.asText() + "\" is not one of GAUGE, COUNTER, UNTYPED"));
            }
        }
    }
}
