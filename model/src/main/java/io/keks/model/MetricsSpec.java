package io.keks.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * What {@code spec.kafka.metricsConfig} asks for: each node serves Prometheus metrics on {@link #PORT}, either
 * through the JMX Prometheus exporter java agent, with the rules held under {@code key} of ConfigMap
 * {@code configMap} (type jmxPrometheusExporter), or through Strimzi's metrics reporter inside Kafka, which
 * exports the metrics whose names match one of {@code allowList} (type strimziMetricsReporter).
 *
 * @param rules the rules text when the ConfigMap came with the manifests (always, locally); null when
 *              it lives only in Kubernetes, where the pods mount it
 */
public record MetricsSpec(Type type, String configMap, String key, String rules, List<String> allowList) {
    /** How a node serves its metrics. */
    public enum Type {
        /** The JMX Prometheus exporter java agent, reading MBeans with rules. */
        JMX_EXPORTER,
        /** io.strimzi:metrics-reporter, Kafka metrics reporters that serve Kafka's metrics registries directly. */
        STRIMZI_REPORTER
    }

    /** The reporter's classes, as Kafka's metric.reporters and kafka.metrics.reporters name them. */
    public static final String REPORTER_KAFKA_CLASS = "io.strimzi.kafka.metrics.KafkaPrometheusMetricsReporter";
    public static final String REPORTER_YAMMER_CLASS = "io.strimzi.kafka.metrics.YammerPrometheusMetricsReporter";

    /** The JMX exporter agent with the rules of a ConfigMap. */
    public MetricsSpec(String configMap, String key, String rules) {
        this(Type.JMX_EXPORTER, configMap, key, rules, List.of());
    }

    /** Strimzi's metrics reporter, exporting the metrics one of the patterns matches. */
    public static MetricsSpec reporter(List<String> allowList) {
        return new MetricsSpec(Type.STRIMZI_REPORTER, null, null, null, List.copyOf(allowList));
    }

    public boolean agent() {
        return type == Type.JMX_EXPORTER;
    }

    public boolean reporter() {
        return type == Type.STRIMZI_REPORTER;
    }

    /**
     * The node's settings for the reporter: Kafka's metrics registry and the broker's Yammer registry both go to
     * an HTTP listener on {@code listener} ({@code http://host:port}), filtered by the allow list. Kafka's own
     * JMX reporter is left out (the point of the reporter is that nothing goes through JMX); reporters the user
     * names in {@code metric.reporters} are kept after Strimzi's.
     */
    public Map<String, String> reporterConfig(String listener, Map<String, String> userConfig) {
        Map<String, String> p = new LinkedHashMap<>();
        String theirs = userConfig.getOrDefault("metric.reporters", "").trim();
        p.put("metric.reporters", REPORTER_KAFKA_CLASS + (theirs.isEmpty() ? "" : "," + theirs));
        String theirYammer = userConfig.getOrDefault("kafka.metrics.reporters", "").trim();
        p.put("kafka.metrics.reporters", REPORTER_YAMMER_CLASS + (theirYammer.isEmpty() ? "" : "," + theirYammer));
        p.put("prometheus.metrics.reporter.listener", listener);
        p.put("prometheus.metrics.reporter.allowlist", String.join(",", allowList));
        return p;
    }
    /** The port a node's metrics endpoint listens on (Strimzi's, so PodMonitors and dashboards carry over). */
    public static final int PORT = 9404;
    /** The name of that port on a pod. */
    public static final String PORT_NAME = "tcp-prometheus";
    /** keks' own rules, the same as those of examples/kafka-manifests/kafka-metrics.yaml. */
    public static final String KEKS_RULES_RESOURCE = "keks-metrics-rules.yml";

    /**
     * The configuration each node's agent reads: the user's, with keks' own rules appended after the user's
     * rules. The agent names an MBean attribute by the first rule that matches it, so every series the user's
     * rules name keeps its name, and what they leave out (Strimzi's example rules skip Kafka's RequestMetrics)
     * is named as keks' dashboards and alerts expect. Rules the user already has are not repeated, so keks'
     * own ConfigMap comes back as it is. A configuration without a rules list exports every MBean in the
     * agent's default format and is left so.
     *
     * @throws IllegalStateException when there are no rules to read ({@link #rules()} is null)
     */
    public String agentRules() {
        if (!agent()) {
            throw new IllegalStateException("metrics type " + type + " has no exporter rules");
        }
        if (rules == null) {
            throw new IllegalStateException("the rules of ConfigMap " + configMap + " are not known here");
        }
        Object loaded = new Load(LoadSettings.builder().build()).loadFromString(rules);
        if (!(loaded instanceof Map<?, ?> config) || !(config.get("rules") instanceof List<?> theirs)) {
            return rules;
        }
        List<Object> joined = new ArrayList<>(theirs);
        keksRules().stream().filter(r -> !theirs.contains(r)).forEach(joined::add);
        if (joined.size() == theirs.size()) {
            return rules;
        }
        Map<Object, Object> out = new LinkedHashMap<>(config);
        out.put("rules", joined);
        String dumped = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(out);
        return "# the rules of ConfigMap " + configMap + " (key " + key + "), then those of keks' own that it does not have\n" + dumped;
    }

    /** keks' own rules, as the agent reads them. */
    public static List<?> keksRules() {
        return KeksRules.RULES;
    }

    private static final class KeksRules {
        static final List<?> RULES = read();
    }

    private static List<?> read() {
        try (InputStream in = MetricsSpec.class.getResourceAsStream(KEKS_RULES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(KEKS_RULES_RESOURCE + " is missing from keks-model's jar");
            }
            Map<?, ?> config = (Map<?, ?>) new Load(LoadSettings.builder().build())
                    .loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return (List<?>) config.get("rules");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
