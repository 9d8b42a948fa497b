package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/eks, the Terraform that stands EKS up, checked without AWS: every file parses with
 * HashiCorp's own HCL parser (@cdktf/hcl2json), every var., local. and module. reference names
 * something declared, every variable is used, and every module, chart and provider is pinned; the
 * Karpenter objects it applies, rendered from their templates, validate against Karpenter's schemas.
 */
class TerraformTest {
    static final Path DIR = Path.of(System.getProperty("keks.install.dir", ".."), "deploy", "eks").toAbsolutePath();
    private static final Pattern EXACT_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    static Map<String, JsonNode> parsed;

    @BeforeAll
    static void parseAll() throws Exception {
        NpmTools.ensure();
        List<String> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".tf")).map(Path::toString).sorted().toList();
        }
        assertThat(files).as(".tf files in " + DIR).isNotEmpty();
        NpmTools.Run run = NpmTools.node(Path.of("src", "test", "node", "hcl2json.mjs"), files.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode all = new ObjectMapper().readTree(run.output());
        parsed = new TreeMap<>();
        all.fields().forEachRemaining(e -> parsed.put(e.getKey(), e.getValue()));
    }

    @Test
    void everyFileParses() {
        Map<String, String> errors = new TreeMap<>();
        parsed.forEach((file, tree) -> {
            if (tree.has("error")) {
                errors.put(file, tree.get("error").asText());
            }
        });
        assertThat(errors).as("deploy/eks files HCL cannot parse").isEmpty();
    }

    @Test
    void everyReferenceNamesSomethingDeclared() {
        Set<String> variables = names("variable");
        Set<String> modules = names("module");
        Set<String> locals = new TreeSet<>();
        parsed.values().forEach(tree -> tree.path("locals").forEach(block -> block.fieldNames().forEachRemaining(locals::add)));
        Map<String, Set<String>> used = Map.of("var", new TreeSet<>(), "local", new TreeSet<>(), "module", new TreeSet<>());
        Pattern reference = Pattern.compile("\\b(var|local|module)\\.([A-Za-z_][A-Za-z0-9_-]*)");
        parsed.forEach((file, tree) -> strings(tree).forEach(s -> {
            Matcher m = reference.matcher(s);
            while (m.find()) {
                used.get(m.group(1)).add(m.group(2));
            }
        }));
        assertThat(difference(used.get("var"), variables)).as("variables used but not declared in variables.tf").isEmpty();
        assertThat(difference(used.get("local"), locals)).as("locals used but not declared").isEmpty();
        assertThat(difference(used.get("module"), modules)).as("modules used but not declared").isEmpty();
        assertThat(difference(variables, used.get("var"))).as("variables declared but never used").isEmpty();
        assertThat(used.get("var")).contains("region", "gp3_iops", "gp3_throughput");
    }

    @Test
    void everyModuleChartAndProviderIsPinned() {
        List<String> unpinned = new ArrayList<>();
        parsed.forEach((file, tree) -> {
            tree.path("module").fields().forEachRemaining(e -> e.getValue().forEach(block -> {
                String source = block.path("source").asText();
                boolean local = source.startsWith("./") || source.startsWith("../");
                if (!local && !EXACT_VERSION.matcher(block.path("version").asText()).matches()) {
                    unpinned.add(file + ": module " + e.getKey() + " (" + source + ") has no exact version");
                }
            }));
            tree.path("resource").path("helm_release").fields().forEachRemaining(e -> e.getValue().forEach(block -> {
                if (block.has("repository") && !EXACT_VERSION.matcher(block.path("version").asText()).matches()) {
                    unpinned.add(file + ": helm_release " + e.getKey() + " has no exact chart version");
                }
            }));
            tree.path("terraform").forEach(t -> t.path("required_providers").forEach(providers ->
                    providers.fields().forEachRemaining(p -> {
                        if (p.getValue().path("version").asText().isBlank()) {
                            unpinned.add(file + ": provider " + p.getKey() + " has no version");
                        }
                    })));
        });
        assertThat(unpinned).isEmpty();
        assertThat(names("module")).as("the community modules the stack is built on")
                .contains("vpc", "eks", "ebs_csi_irsa", "karpenter", "addons");
    }

    /**
     * The seed's Kafka pods tolerate a taint and require a node label: the kafka NodePool must give
     * its nodes exactly those, or the pods never schedule (the blueprint's toleration matched no taint).
     */
    @Test
    void kafkaNodePoolGivesWhatTheExamplesPodsAskFor() throws Exception {
        Path example = Path.of(System.getProperty("keks.install.dir", ".."), "examples", "kafka-manifests", "kafka-cluster.yaml");
        ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        List<JsonNode> docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(example.toFile()).readAll();
        JsonNode kafka = docs.stream().filter(d -> "Kafka".equals(d.path("kind").asText())).findFirst().orElse(null);
        assertThat(kafka).as("the Kafka of " + example).isNotNull();
        JsonNode pod = kafka.path("spec").path("kafka").path("template").path("pod");
        JsonNode toleration = pod.path("tolerations").get(0);
        JsonNode term = pod.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms").get(0).path("matchExpressions").get(0);
        JsonNode pool = karpenterManifests().get("nodepool-kafka.yaml.tftpl").path("spec").path("template");
        JsonNode taint = pool.path("spec").path("taints").get(0);
        assertThat(List.of(taint.path("key").asText(), taint.path("value").asText(), taint.path("effect").asText()))
                .containsExactly(toleration.path("key").asText(), toleration.path("value").asText(), toleration.path("effect").asText());
        assertThat(pool.path("metadata").path("labels").path(term.path("key").asText()).asText())
                .isEqualTo(term.path("values").get(0).asText());
    }

    /**
     * Karpenter replaces drifted nodes (every AMI release, with al2023@latest) and consolidates
     * under-used ones on its own, held back only by pod disruption budgets, which wait for a pod to be
     * Ready and not for its partitions to be in sync: the kafka pool must allow none of that.
     */
    @Test
    void karpenterNeverDisruptsAKafkaNodeByItself() throws Exception {
        JsonNode disruption = karpenterManifests().get("nodepool-kafka.yaml.tftpl").path("spec").path("disruption");
        Map<String, String> allowed = new TreeMap<>();
        for (JsonNode budget : disruption.path("budgets")) {
            JsonNode reasons = budget.path("reasons");
            List<String> covered = reasons.isMissingNode() ? List.of("Drifted", "Underutilized", "Empty") : new ArrayList<>();
            reasons.forEach(r -> covered.add(r.asText()));
            covered.forEach(r -> allowed.merge(r, budget.path("nodes").asText(), (a, b) -> a.equals("0") ? a : b));
        }
        assertThat(allowed).as("nodes Karpenter may disrupt at once, by reason").containsEntry("Drifted", "0")
                .containsEntry("Underutilized", "0");
        assertThat(disruption.path("budgets").findValuesAsText("schedule")).as("budgets that hold only at some hours").isEmpty();
    }

    /** The production settings of the EKS stack that a plan would not complain about if they were lost. */
    @Test
    void networkPolicyIsEnforcedAndMonitoringKeepsItsDataInItsOwnNamespace() {
        JsonNode eks = file("main.tf").path("module").path("eks").get(0);
        assertThat(eks.path("cluster_addons").path("vpc-cni").toString()).as("vpc-cni add-on")
                .contains("enableNetworkPolicy", "true");
        JsonNode core = eks.path("eks_managed_node_groups").path("core");
        assertThat(core.path("ami_type").asText()).as("core nodes' AMI type").isNotBlank();
        assertThat(core.path("block_device_mappings").toString()).contains("volume_size", "gp3", "encrypted");

        JsonNode addons = file("addons.tf");
        JsonNode stack = addons.path("resource").path("helm_release").path("kube_prometheus_stack").get(0);
        assertThat(stack).as("helm_release kube_prometheus_stack").isNotNull();
        assertThat(stack.path("namespace").asText()).contains("monitoring_namespace");
        String values = stack.path("values").toString();
        assertThat(values).as("kube-prometheus-stack values").contains("storageSpec", "volumeClaimTemplate", "gp3",
                "var.prometheus_storage_size", "remoteWrite");
        assertThat(values).as("the Grafana password is never in the values Helm stores in plain text").doesNotContain("adminPassword");
        assertThat(stack.path("set_sensitive").toString()).contains("grafana.adminPassword", "random_password.grafana_admin");
        JsonNode objects = addons.path("resource").path("kubectl_manifest").path("monitoring").get(0);
        assertThat(objects.path("override_namespace").asText()).as("keks' monitoring objects' namespace").contains("monitoring_namespace");
        JsonNode metricsServer = addons.path("resource").path("helm_release").path("metrics_server").get(0);
        assertThat(metricsServer.path("values").toString()).contains("replicas", "podDisruptionBudget", "podAntiAffinity");
        assertThat(addons.path("resource").path("aws_prometheus_workspace").path("amp").get(0).path("count").asText())
                .contains("var.enable_amazon_prometheus");
    }

    /** What karpenter.tf passes to its templates, as Terraform would give it for the defaults. */
    static final Map<String, Object> SAMPLE = Map.of(
            "node_role", "keks-karpenter-node", "discovery", "keks", "tags", Map.of("Project", "keks"),
            "zones", List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"), "architectures", List.of("arm64", "amd64"),
            "categories", List.of("c", "m", "r"), "cpu_limit", 200);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(jsonencode\\()?([a-z_]+)\\)?}");

    /**
     * Each template of deploy/eks/karpenter rendered as templatefile() would, with {@link #SAMPLE};
     * every placeholder must be a variable that karpenter.tf passes to that template.
     */
    static Map<String, JsonNode> karpenterManifests() throws Exception {
        String tf = Files.readString(DIR.resolve("karpenter.tf"));
        Map<String, JsonNode> out = new TreeMap<>();
        ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> list = Files.list(DIR.resolve("karpenter"))) {
            for (Path t : list.filter(p -> p.toString().endsWith(".tftpl")).sorted().toList()) {
                String name = t.getFileName().toString();
                int call = tf.indexOf("karpenter/" + name);
                assertThat(call).as("karpenter.tf renders " + name).isPositive();
                String passed = tf.substring(call, tf.indexOf("})", call));
                Matcher m = PLACEHOLDER.matcher(Files.readString(t));
                StringBuilder text = new StringBuilder();
                while (m.find()) {
                    String variable = m.group(2);
                    assertThat(passed).as(name + " uses ${" + variable + "}").containsPattern("\\b" + variable + "\\s*=");
                    assertThat(SAMPLE).as("a sample value for " + variable).containsKey(variable);
                    Object value = SAMPLE.get(variable);
                    m.appendReplacement(text, Matcher.quoteReplacement(m.group(1) != null ? json.writeValueAsString(value) : value.toString()));
                }
                m.appendTail(text);
                assertThat(text.toString()).as(name + " after rendering").doesNotContain("${");
                out.put(name, yaml.readTree(text.toString()));
            }
        }
        return out;
    }

    @Test
    void karpentersNodeClassAndNodePoolsValidateAgainstKarpentersSchemas() throws Exception {
        Map<String, JsonNode> manifests = karpenterManifests();
        assertThat(manifests).containsOnlyKeys("ec2nodeclass.yaml.tftpl", "nodepool-kafka.yaml.tftpl", "nodepool-general.yaml.tftpl");
        ObjectMapper json = new ObjectMapper();
        var list = json.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        var items = list.putArray("items");
        manifests.values().forEach(items::add);
        Path file = Path.of("target", "karpenter-objects.json").toAbsolutePath();
        json.writeValue(file.toFile(), list);
        NpmTools.Run r = NpmTools.node(Path.of("src", "test", "node", "validate.mjs"), file.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok EC2NodeClass/default", "ok NodePool/kafka", "ok NodePool/general");
    }

    /** The parse tree of one file of deploy/eks. */
    private static JsonNode file(String name) {
        return parsed.entrySet().stream().filter(e -> Path.of(e.getKey()).getFileName().toString().equals(name))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(name + " is not among " + parsed.keySet()));
    }

    /** The names of the blocks of this kind (variable "x", module "y") across every file. */
    private static Set<String> names(String kind) {
        Set<String> out = new TreeSet<>();
        parsed.values().forEach(tree -> tree.path(kind).fieldNames().forEachRemaining(out::add));
        return out;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    /** Every string value and every key in the tree: expressions come out of the parser as "${...}" strings. */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isContainerNode()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                out.add(e.getKey());
                out.addAll(strings(e.getValue()));
            }
            if (node.isArray()) {
                node.forEach(n -> out.addAll(strings(n)));
            }
        }
        return out;
    }
}
