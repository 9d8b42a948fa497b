package io.keks.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.local.ClusterHome;
import io.keks.local.KafkaConfigRulesFromJars;
import io.keks.local.KafkaDistributions;
import io.keks.local.LocalCluster;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import io.keks.operator.resources.RenderOptions;
import io.keks.operator.resources.Rendering;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "render", sortOptions = false,
        description = {"Print every Kubernetes object the keks operator makes for these manifests.",
                "They come from the code the operator runs: a dry run to review, diff or commit. Secrets are listed",
                "with their keys but no values (the operator makes them); the cluster id and directory ids are derived",
                "from the Kafka's namespace and name, so the same manifests always render the same objects. Nothing is",
                "started or stored."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks render -f examples/kafka-manifests/",
                "  keks render -f my-kafka/ -o json > objects.json",
                "  keks render -f my-kafka/ | kubectl apply --dry-run=server -f -"})
final class RenderCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR", description = "Manifest file or directory (repeatable).")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "yaml (default): one document per object; json: a List.")
    String output = "yaml";

    @Option(names = "--operator-image", paramLabel = "IMAGE", description = "The keks operator image, which brokers also run as"
            + " their init container (default " + RenderOptions.DEFAULT_OPERATOR_IMAGE + ").")
    String operatorImage = RenderOptions.DEFAULT_OPERATOR_IMAGE;

    @Option(names = "--kafka-image-repository", paramLabel = "REPOSITORY", description = "Where the Kafka image comes from; its tag"
            + " is the Kafka version (default " + RenderOptions.DEFAULT_KAFKA_REPOSITORY + ").")
    String kafkaRepository = RenderOptions.DEFAULT_KAFKA_REPOSITORY;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("yaml") && !output.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o " + output + " is not a format; use yaml or json");
        }
        Manifests manifests = ManifestOptions.read(files, err);
        if (manifests.hasErrors()) {
            return 2;
        }
        Rendering.Result r;
        try {
            ClusterHome home = ClusterHome.fromEnvironment();
            KafkaDistributions kafka = new KafkaDistributions(LocalCluster.Options.bundleFromSystem(), home.kafkaCache(), err::println);
            r = Rendering.render(manifests, new RenderOptions(operatorImage, kafkaRepository, Optional.empty()),
                    KafkaConfigRulesFromJars.of(kafka));
        } catch (ManifestException e) {
            ManifestOptions.print(e.problems(), err);
            return 2;
        }
        ManifestOptions.print(r.warnings(), err);
        if (output.equals("json")) {
            out.println(Serialization.asJson(new KubernetesListBuilder()
                    .withItems(new ArrayList<HasMetadata>(r.objects())).build()));
        } else {
            for (HasMetadata o : r.objects()) {
                // asYaml starts each document with its own "---"
                out.print(Serialization.asYaml(o));
            }
        }
        out.flush();
        return 0;
    }
}
