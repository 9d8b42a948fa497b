package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/eks's scripts and what they source pass shellcheck (the Debian package; .ci/run installs it),
 * and cleanup.sh takes the paths a real account sends it down, with terraform, aws and kubectl
 * replaced by scripts that answer as they would and write down what they were asked.
 */
class ShellScriptsTest {
    @TempDir
    Path tmp;

    /** Fake terraform, aws and kubectl on the PATH: the cluster is gone, its state still lists objects inside it. */
    Path fakeTools() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("calls.log");
        String head = "#!/usr/bin/env bash\necho \"$(basename \"$0\") $*\" >> " + log + "\n";
        Map<String, String> tools = Map.of(
                "terraform", head + """
                        case "$1 $2" in
                          "output -raw") echo keks ;;
                          "state list") printf '%s\\n' module.vpc.aws_vpc.this[0] module.eks.aws_eks_cluster.this[0] \\
                              'kubernetes_storage_class_v1.kafka["gp3"]' kubernetes_annotations.gp2_not_default \\
                              helm_release.keks_operator 'kubectl_manifest.monitoring["rules/kafka-alerts.yaml"]' \\
                              'module.addons.helm_release.this["x"]' 'module.amp_irsa[0].aws_iam_role.this[0]' ;;
                        esac
                        """,
                "aws", head + """
                        case "$1 $2" in
                          "eks describe-cluster") echo "An error occurred (ResourceNotFoundException)" >&2; exit 254 ;;
                          "ec2 describe-volumes") case "$*" in *kubernetes.io/cluster/keks*) printf 'vol-1\\tvol-2\\n' ;; *) echo None ;; esac ;;
                        esac
                        """,
                "kubectl", head);
        for (Map.Entry<String, String> tool : tools.entrySet()) {
            Path f = bin.resolve(tool.getKey());
            Files.writeString(f, tool.getValue());
            f.toFile().setExecutable(true);
        }
        return bin;
    }

    NpmTools.Run cleanup(Path bin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TerraformTest.DIR.resolve("cleanup.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("AWS_REGION", "eu-west-1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new NpmTools.Run(p.exitValue(), out);
    }

    @Test
    void cleanupFinishesWhenTheClusterIsGoneAndDeletesRetainedVolumesOnlyWhenAsked() throws Exception {
        Path bin = fakeTools();
        Path log = tmp.resolve("calls.log");

        NpmTools.Run kept = cleanup(bin);
        assertThat(kept.exitCode()).as(kept.output()).isZero();
        List<String> calls = Files.readAllLines(log);
        String forget = calls.stream().filter(c -> c.startsWith("terraform state rm")).findFirst().orElseThrow(() -> new AssertionError(calls));
        assertThat(forget).contains("kubernetes_storage_class_v1.kafka[\"gp3\"]", "kubernetes_annotations.gp2_not_default",
                "helm_release.keks_operator", "kubectl_manifest.monitoring[\"rules/kafka-alerts.yaml\"]",
                "module.addons.helm_release.this[\"x\"]").doesNotContain("aws_vpc", "aws_eks_cluster", "aws_iam_role");
        assertThat(calls.indexOf(forget)).as("the objects are forgotten before the destroy")
                .isLessThan(calls.indexOf("terraform destroy -input=false -auto-approve"));
        assertThat(calls).noneMatch(c -> c.startsWith("kubectl")).noneMatch(c -> c.contains("delete-volume"));
        assertThat(kept.output()).contains("vol-1", "vol-2", "--delete-volumes");

        Files.delete(log);
        NpmTools.Run deleted = cleanup(bin, "--delete-volumes");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        assertThat(Files.readAllLines(log)).contains("aws ec2 delete-volume --region eu-west-1 --volume-id vol-1",
                "aws ec2 delete-volume --region eu-west-1 --volume-id vol-2");

        NpmTools.Run wrong = cleanup(bin, "--delete-volume");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.output()).contains("unknown argument \"--delete-volume\"", "--delete-volumes");
    }

    @Test
    void eksScriptsPassShellcheck() throws Exception {
        NpmTools.requireTool("shellcheck");
        List<String> scripts;
        try (Stream<Path> list = Files.list(TerraformTest.DIR)) {
            scripts = list.filter(p -> p.toString().endsWith(".sh")).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(scripts).contains("install.sh", "cleanup.sh", "build-image.sh");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--external-sources"));
        cmd.addAll(scripts);
        Process p = new ProcessBuilder(cmd).directory(TerraformTest.DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        for (String script : List.of("install.sh", "cleanup.sh", "build-image.sh", "kafka-helper.sh")) {
            String text = Files.readString(TerraformTest.DIR.resolve(script));
            assertThat(text).as(script).contains("set -euo pipefail");
            assertThat(Files.isExecutable(TerraformTest.DIR.resolve(script))).as(script + " is executable").isTrue();
        }
    }
}
