package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** What each node's metrics agent reads: the user's rules, then keks' own that the user's do not have. */
class MetricsRulesTest {
    static Map<?, ?> load(String yaml) {
        return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }

    static String exampleRules() throws Exception {
        var result = ClusterModel.build(ExamplesTest.read("kafka-manifests"), ClusterModel.Options.defaults());
        return result.cluster().metricsSpec().orElseThrow().rules();
    }

    @Test
    void keksOwnConfigMapHoldsTheRulesKeksAppendsAndComesBackUnchanged() throws Exception {
        String example = exampleRules();
        assertThat(load(example).get("rules")).as("examples/kafka-manifests/kafka-metrics.yaml against keks-metrics-rules.yml")
                .isEqualTo(MetricsSpec.keksRules());
        assertThat(MetricsSpec.keksRules()).hasSizeGreaterThan(10);
        assertThat(new MetricsSpec("kafka-metrics", "kafka-metrics-config.yml", example).agentRules()).isEqualTo(example);
    }

    @Test
    void anotherRuleSetKeepsItsSettingsAndRulesFirstAndGetsKeksRulesAfterThem() {
        String theirs = """
                lowercaseOutputName: true
                rules:
                - pattern: "kafka.server<type=raft-metrics><>(.+):"
                  name: kafka_server_raftmetrics_$1
                  type: GAUGE
                - pattern: kafka.(\\\\w+)<type=(?!RequestMetrics)(.+), name=(.+)><>Count
                  name: kafka_$1_$2_$3_count
                  type: COUNTER
                """;
        Map<?, ?> joined = load(new MetricsSpec("kafka-metrics", "kafka-metrics-config.yml", theirs).agentRules());
        assertThat(joined.get("lowercaseOutputName")).isEqualTo(true);
        assertThat(joined.containsKey("lowercaseOutputLabelNames")).isFalse();
        List<?> rules = (List<?>) joined.get("rules");
        List<?> own = (List<?>) load(theirs).get("rules");
        // theirs first, as they were (the agent takes the first rule that matches), then all of keks'
        assertThat(rules.subList(0, 2)).isEqualTo(own);
        assertThat(((Map<?, ?>) rules.get(1)).get("pattern")).isEqualTo("kafka.(\\\\w+)<type=(?!RequestMetrics)(.+), name=(.+)><>Count");
        assertThat(rules.subList(2, rules.size())).isEqualTo(MetricsSpec.keksRules());
    }

    @Test
    void strimzisReporterComesFirstAndKeepsTheReportersTheUserNames() {
        MetricsSpec reporter = MetricsSpec.reporter(List.of("kafka_server_.*", "jvm_.*"));
        assertThat(reporter.reporter()).isTrue();
        assertThat(reporter.reporterConfig("http://:9404", Map.of("metric.reporters", "com.example.Audit")))
                .containsEntry("metric.reporters", MetricsSpec.REPORTER_KAFKA_CLASS + ",com.example.Audit")
                .containsEntry("kafka.metrics.reporters", MetricsSpec.REPORTER_YAMMER_CLASS)
                .containsEntry("prometheus.metrics.reporter.listener", "http://:9404")
                .containsEntry("prometheus.metrics.reporter.allowlist", "kafka_server_.*,jvm_.*");
        assertThat(reporter.reporterConfig("http://127.0.0.1:9404", Map.of())).containsEntry("metric.reporters", MetricsSpec.REPORTER_KAFKA_CLASS);
    }

    @Test
    void aRuleTheUserAlreadyHasIsNotRepeatedAndAConfigWithoutRulesIsLeftAlone() {
        Map<?, ?> first = (Map<?, ?>) MetricsSpec.keksRules().get(0);
        String theirs = "lowercaseOutputName: true\nrules:\n- pattern: '" + first.get("pattern") + "'\n  name: '" + first.get("name")
                + "'\n  type: " + first.get("type") + "\n";
        List<Object> rules = List.copyOf((List<?>) load(new MetricsSpec("m", "k", theirs).agentRules()).get("rules"));
        assertThat(rules).hasSize(MetricsSpec.keksRules().size()).startsWith((Object) first).containsOnlyOnce((Object) first);

        // without rules the agent exports every MBean in its default format: appending rules would take that away
        String everything = "lowercaseOutputName: true\n";
        assertThat(new MetricsSpec("m", "k", everything).agentRules()).isEqualTo(everything);
    }
}
