package io.keks.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What spec.kafka.metricsConfig needs on this machine, checked before an apply stores anything. No node is started. */
class MetricsConfigTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples", "kafka-manifests");
    Path home;

    @BeforeEach
    void home() throws Exception {
        home = Files.createTempDirectory("keks-metrics-config");
    }

    @AfterEach
    void clean() throws Exception {
        TestHomes.killAndDelete(home);
    }

    @Test
    void aKafkaWhoseRulesConfigMapIsMissingIsRefusedAndNothingIsStored() throws Exception {
        Manifests withoutRules = ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-cluster.yaml")));
        assertThatThrownBy(() -> LocalCluster.apply(new ClusterHome(home), withoutRules,
                new LocalCluster.Options(PortShifts.free(), null, LocalCluster.Options.bundleFromSystem()), Progress.SILENT))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("spec.kafka.metricsConfig: ConfigMap kafka-metrics is not in the manifests given")
                .hasMessageContaining("examples/kafka-manifests/kafka-metrics.yaml");
        assertThat(home.resolve("clusters/cluster/state.json")).doesNotExist();
        assertThat(home.resolve("clusters/cluster/manifests")).doesNotExist();
    }

    @Test
    void theConfigMapsRulesAreWhatEveryNodesAgentReadsAndEachNodeGetsItsOwnPort() throws Exception {
        Manifests seed = ManifestFiles.read(List.of(EXAMPLES));
        int shift = PortShifts.free();
        LocalCluster cluster = LocalCluster.apply(new ClusterHome(home), seed,
                new LocalCluster.Options(shift, null, LocalCluster.Options.bundleFromSystem()), Progress.SILENT);
        String rules = seed.configMaps().get(0).resource().getData().get("kafka-metrics-config.yml");
        assertThat(cluster.dir().resolve("conf/metrics-rules.yml")).hasContent(rules);
        assertThat(cluster.metricsUrl(0)).hasValue("http://127.0.0.1:" + (9404 + shift) + "/metrics");
        assertThat(cluster.metricsUrl(5)).hasValue("http://127.0.0.1:" + (9904 + shift) + "/metrics");
        assertThat(cluster.exporterUrl()).hasValue("http://127.0.0.1:" + (9308 + shift) + "/metrics");
        // the stored manifests keep the ConfigMap: a later apply of the Kafka alone still finds its rules
        LocalCluster again = LocalCluster.apply(new ClusterHome(home), ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-cluster.yaml"))),
                new LocalCluster.Options(shift, null, LocalCluster.Options.bundleFromSystem()), Progress.SILENT);
        assertThat(again.desired().metricsSpec()).hasValueSatisfying(m -> assertThat(m.rules()).isEqualTo(rules));
    }

    @Test
    void withoutABundleTheAgentIsFetchedOnceIntoTheCacheAsTheVersionThePomsBundle() throws Exception {
        List<String> said = new java.util.ArrayList<>();
        KafkaDistributions unbundled = new KafkaDistributions(null, home.resolve("kafka"), said::add);
        Path agent = unbundled.metricsAgent();
        assertThat(agent).startsWith(home.resolve("kafka")).isRegularFile();
        try (var jar = new java.util.jar.JarFile(agent.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Premain-Class")).isNotBlank();
        }
        assertThat(unbundled.metricsAgent()).isEqualTo(agent);
        assertThat(said).hasSize(1);
        // the version fetched is the one the build bundles
        String version = KafkaDistributions.METRICS_AGENT.substring(KafkaDistributions.METRICS_AGENT.lastIndexOf(':') + 1);
        Path root = Path.of(System.getProperty("keks.install.dir", ".."));
        for (Path pom : List.of(root.resolve("pom.xml"), root.resolve("kafka-bundle/pom.xml"))) {
            assertThat(Files.readString(pom)).as(pom.toString()).contains("<jmx.exporter.version>" + version + "</jmx.exporter.version>");
        }
    }
}
