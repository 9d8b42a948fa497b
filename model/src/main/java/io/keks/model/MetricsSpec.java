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
 * What {@code spec.kafka.metricsConfig} asks for: each node serves Prometheus metrics through the JMX
 * Prometheus exporter java agent, with the rules held under {@code key} of ConfigMap {@code configMap}.
 *
 * @param rules the rules text when the ConfigMap came with the manifests (always, locally); null when
 *              it lives only in Kubernetes, where the pods mount it
 */
public record MetricsSpec(String configMap, String key, String rules) {
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
