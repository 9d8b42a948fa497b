package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring: the PrometheusRules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}, deploy/monitoring/tests); every dashboard query is PromQL that
 * promtool accepts; the dashboards' ConfigMaps hold exactly the dashboards' JSON; every object
 * validates against its schema. promtool reads plain rule files, so each PrometheusRule's spec is
 * written out as one first, under target/monitoring.
 */
class MonitoringRulesTest {
    static final Path DIR = Path.of(System.getProperty("keks.install.dir", ".."), "deploy", "monitoring");
    static final Path OUT = Path.of("target", "monitoring");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static NpmTools.Run promtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(OUT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new NpmTools.Run(p.exitValue(), out);
    }

    static List<Path> files(String sub) throws Exception {
        try (Stream<Path> s = Files.list(DIR.resolve(sub))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyAlertRuleFilePassesPromtoolAndItsUnitTests() throws Exception {
        NpmTools.requireTool("promtool");
        Files.createDirectories(OUT);
        List<String> ruleFiles = new ArrayList<>();
        for (Path f : files("rules")) {
            JsonNode rule = YAML.readTree(f.toFile());
            assertThat(rule.path("kind").asText()).as(f.toString()).isEqualTo("PrometheusRule");
            String name = f.getFileName().toString().replace(".yaml", ".rules.yaml");
            YAML.writeValue(OUT.resolve(name).toFile(), rule.path("spec"));
            ruleFiles.add(name);
        }
        assertThat(ruleFiles).isNotEmpty();
        List<String> check = new ArrayList<>(List.of("check", "rules"));
        check.addAll(ruleFiles);
        NpmTools.Run checked = promtool(check.toArray(String[]::new));
        assertThat(checked.exitCode()).as(checked.output()).isZero();

        List<String> test = new ArrayList<>(List.of("test", "rules"));
        for (Path t : files("tests")) {
            Files.copy(t, OUT.resolve(t.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            test.add(t.getFileName().toString());
        }
        NpmTools.Run tested = promtool(test.toArray(String[]::new));
        assertThat(tested.exitCode()).as(tested.output()).isZero();
        assertThat(tested.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasASeverityASummaryAndADescription() throws Exception {
        List<String> alerts = new ArrayList<>();
        for (Path f : files("rules")) {
            for (JsonNode group : YAML.readTree(f.toFile()).path("spec").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("record")) {
                        continue;
                    }
                    String alert = rule.path("alert").asText();
                    alerts.add(alert);
                    assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
                    assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
                    assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
                }
            }
        }
        // what the issue names: under-replicated, offline and under-min-ISR partitions, no active controller,
        // quorum lagging, disk nearly full, consumer lag growing, operator reconciles failing
        assertThat(alerts).contains("KafkaUnderReplicatedPartitions", "KafkaOfflinePartitions", "KafkaUnderMinIsrPartitions",
                "KafkaNoActiveController", "KafkaQuorumLagging", "KafkaDiskNearlyFull", "KafkaConsumerLagGrowing",
                "KeksOperatorReconcilesFailing");
    }

    /** Terraform (deploy/eks/addons.tf) applies each file as one object. */
    @Test
    void eachMonitoringFileHoldsOneObject() throws Exception {
        try (Stream<Path> all = Files.walk(DIR)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(DIR.resolve("tests"))).toList()) {
                String text = Files.readString(f);
                assertThat(text.lines().filter(l -> l.startsWith("kind:")).count()).as(f.toString()).isEqualTo(1);
                assertThat(text).as(f.toString()).doesNotContain("\n---");
            }
        }
    }

    /** Every query of every dashboard, by dashboard file and panel title. */
    static java.util.Map<String, String> dashboardQueries() throws Exception {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Path f : jsonFiles()) {
            for (JsonNode panel : new ObjectMapper().readTree(f.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    out.put(f.getFileName() + ": " + panel.path("title").asText() + " " + target.path("refId").asText(),
                            target.path("expr").asText());
                }
            }
        }
        return out;
    }

    static List<Path> jsonFiles() throws Exception {
        try (Stream<Path> s = Files.list(DIR.resolve("dashboards"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyDashboardQueryIsPromqlThatPromtoolAccepts() throws Exception {
        NpmTools.requireTool("promtool");
        Files.createDirectories(OUT);
        var queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(40);
        // each query as a recording rule: promtool parses the expression of every rule it checks
        com.fasterxml.jackson.databind.node.ObjectNode file = YAML.createObjectNode();
        var rules = file.putArray("groups").addObject().put("name", "dashboards").putArray("rules");
        int i = 0;
        for (var q : queries.entrySet()) {
            assertThat(q.getValue()).as(q.getKey()).isNotBlank();
            rules.addObject().put("record", "keks:dashboard_query:" + (i++)).put("expr", q.getValue());
        }
        YAML.writeValue(OUT.resolve("dashboard-queries.rules.yaml").toFile(), file);
        NpmTools.Run checked = promtool("check", "rules", "dashboard-queries.rules.yaml");
        assertThat(checked.exitCode()).as(checked.output()).isZero();
    }

    @Test
    void eachDashboardConfigMapHoldsExactlyItsDashboardForGrafanasSidecar() throws Exception {
        List<Path> dashboards = jsonFiles();
        assertThat(dashboards).extracting(p -> p.getFileName().toString())
                .contains("kafka.json", "kraft.json", "consumer-lag.json", "operator.json");
        for (Path json : dashboards) {
            String name = json.getFileName().toString();
            Path map = DIR.resolve("grafana").resolve(name.replace(".json", "-dashboard.yaml"));
            JsonNode configMap = YAML.readTree(map.toFile());
            assertThat(configMap.path("kind").asText()).as(map.toString()).isEqualTo("ConfigMap");
            assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).as(map.toString()).isEqualTo("1");
            ObjectMapper mapper = new ObjectMapper();
            assertThat(mapper.readTree(configMap.path("data").path(name).asText())).as(map + " holds " + json)
                    .isEqualTo(mapper.readTree(json.toFile()));
            JsonNode board = mapper.readTree(json.toFile());
            assertThat(board.path("uid").asText()).as(name).startsWith("keks-");
        }
    }

    @Test
    void everyMonitoringObjectValidatesAgainstItsSchema() throws Exception {
        NpmTools.ensure();
        List<io.fabric8.kubernetes.api.model.HasMetadata> objects = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ArrayNode items = YAML.createArrayNode();
        try (Stream<Path> all = Files.walk(DIR)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(DIR.resolve("tests"))).sorted().toList()) {
                items.add(YAML.readTree(f.toFile()));
            }
        }
        assertThat(items).hasSizeGreaterThanOrEqualTo(7);
        Path list = OUT.resolve("monitoring-objects.json");
        Files.createDirectories(OUT);
        new ObjectMapper().writeValue(list.toFile(), YAML.createObjectNode().put("apiVersion", "v1").put("kind", "List").set("items", items));
        NpmTools.Run r = NpmTools.node(Path.of("src/test/node/validate.mjs"), list.toAbsolutePath().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok PodMonitor/kafka-resources-metrics", "ok PrometheusRule/keks-kafka-alerts",
                "ok PrometheusRule/keks-strimzi-dashboard-names",
                "ok ConfigMap/keks-dashboard-kafka");
    }
}
