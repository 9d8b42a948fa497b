package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** keks plan as a user runs it: the plan, its manifests accepted by keks itself, its JSON, and bad input refused. */
class PlanCommandTest {

    @Test
    void theSeedsPlanPrintsItsChoicesReasonsChecksAndCost() throws Exception {
        KeksCli.Result r = KeksCli.run("plan", "--write-mbps", "1.2", "--retention", "7d");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("brokers      3 x m7g.xlarge", "volume       gp3 1000 GiB per broker, 3000 IOPS, 125 MiB/s",
                "Why:", "Checked, per broker:", "Monthly cost (USD):", "dated 2026-12-03");
    }

    @Test
    void itsManifestsAreThePoolsKeksAppliesWithGrowthOnAndTheirStorageClass() throws Exception {
        KeksCli.Result r = KeksCli.run("plan", "--write-mbps", "50", "--retention", "3d", "-o", "yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("# keks plan --write-mbps 50 --retention 3d -o yaml\n#   ");
        String kafka = Files.readString(Path.of(SeedClusterTest.EXAMPLES, "kafka-manifests", "kafka-cluster.yaml")).split("\n---\n")[0];
        Manifests m = ManifestParser.parse("kafka.yaml", kafka);
        Manifests pools = ManifestParser.parse("pools.yaml", r.out());
        assertThat(pools.hasErrors()).as(pools.problems().toString()).isFalse();
        m.add(pools);
        DesiredCluster c = ClusterModel.build(m, ClusterModel.Options.defaults()).cluster();
        JsonNode plan = new ObjectMapper().readTree(KeksCli.run("plan", "--write-mbps", "50", "--retention", "3d", "-o", "json").out());
        assertThat(c.brokers()).hasSize(plan.path("brokers").asInt());
        assertThat(c.controllers()).hasSize(3);
        DesiredNode broker = c.brokers().get(0);
        assertThat(broker.volumes().get(0).size()).isEqualTo(plan.path("volumeGib").asLong() + "Gi");
        assertThat(broker.volumes().get(0).storageClass()).startsWith("keks-" + plan.path("volumeType").asText());
        assertThat(r.out()).contains("kind: \"StorageClass\"", "name: \"" + broker.volumes().get(0).storageClass() + "\"",
                "allowVolumeExpansion: true", "node.kubernetes.io/instance-type", plan.path("instance").asText());
        assertThat(c.storageGrowth()).containsKeys("broker", "controller");
    }

    @Test
    void badInputIsRefusedWithTheOptionAndTheFix() {
        KeksCli.Result missing = KeksCli.run("plan", "--retention", "7d");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--write-mbps is missing");
        KeksCli.Result negative = KeksCli.run("plan", "--write-mbps", "-5");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("error: --write-mbps is -5.0; give what producers write in MB/s, more than 0");
        KeksCli.Result retention = KeksCli.run("plan", "--write-mbps", "5", "--retention", "forever");
        assertThat(retention.exitCode()).isEqualTo(2);
        assertThat(retention.err()).contains("--retention forever is not a duration; write it like 7d");
        KeksCli.Result prices = KeksCli.run("plan", "--write-mbps", "5", "--prices", "/nonexistent/prices.csv");
        assertThat(prices.exitCode()).isEqualTo(2);
        assertThat(prices.err()).contains("--prices /nonexistent/prices.csv: no such file", "--print-prices");
    }
}
