package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalanceModelTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");

    static Manifests seedWith(String kafkaExtra, String rebalances) throws IOException {
        // the example's own spec.cruiseControl gives way to the one each test writes
        String kafka = Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"))
                .replace("  cruiseControl:\n    autoRebalance:\n      - mode: add-brokers\n", "");
        assertThat(kafka).doesNotContain("cruiseControl:");
        if (!kafkaExtra.isEmpty()) {
            kafka = kafka.replaceFirst("(?m)^spec:\\n", "spec:\n" + kafkaExtra);
        }
        Manifests m = ManifestParser.parse("kafka-cluster.yaml", kafka);
        m.add(ManifestParser.parse("rebalance.yaml", rebalances));
        return m;
    }

    @Test
    void theSeedsRebalanceIsReadWithItsGoalsAndCruiseControlTurnsRebalancingOn() throws IOException {
        Manifests m = seedWith("""
                  cruiseControl:
                    brokerCapacity: {inboundNetwork: 10000KiB/s, outboundNetwork: 100MB/s}
                    autoRebalance:
                      - mode: add-brokers
                        template: {name: grow}
                      - mode: remove-brokers
                """, Files.readString(EXAMPLES.resolve("rebalance/kafka-rebalance.yaml")));
        DesiredCluster c = ClusterModel.build(m, ClusterModel.Options.defaults()).cluster();
        assertThat(c.rebalanceSpec()).hasValue(new RebalanceSpec(Map.of("add-brokers", "grow", "remove-brokers", ""),
                10000L * 1024, 100_000_000L));
        assertThat(c.rebalances()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("my-rebalance");
            assertThat(r.mode()).isEqualTo("full");
            assertThat(r.goals()).hasSize(13).startsWith("RackAwareGoal").endsWith("LeaderBytesInDistributionGoal");
            assertThat(r.movesPerBroker()).isEqualTo(DesiredRebalance.DEFAULT_MOVES_PER_BROKER);
            assertThat(r.annotation()).isEmpty();
        });
    }

    @Test
    void mistakesNameTheFileLineAndFix() throws IOException {
        Manifests m = seedWith("""
                  cruiseControl:
                    brokerCapacity: {inboundNetwork: fast}
                """, """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: grow
                  labels: {strimzi.io/cluster: cluster}
                  annotations: {strimzi.io/rebalance: aprove}
                spec:
                  mode: add-brokers
                  excludedTopics: "(unclosed"
                  concurrentPartitionMovementsPerBroker: -1
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: disks
                  labels: {strimzi.io/cluster: cluster}
                spec:
                  mode: remove-disks

                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata: {name: nolabel}
                """);
        assertThatThrownBy(() -> ClusterModel.build(m, ClusterModel.Options.defaults()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("kafka-cluster.yaml").hasMessageContaining("\"fast\" is not a rate; write it like 10000KiB/s")
                .hasMessageContaining("rebalance.yaml:8: spec.brokers: mode add-brokers needs spec.brokers")
                .hasMessageContaining("rebalance.yaml:9: spec.excludedTopics: \"(unclosed\" is not a regular expression")
                .hasMessageContaining("concurrentPartitionMovementsPerBroker must be 1 or more")
                .hasMessageContaining("\"aprove\" is not a rebalance annotation; use approve, refresh or stop")
                .hasMessageContaining("rebalance.yaml:18: spec.moveReplicasOffVolumes: mode remove-disks needs moveReplicasOffVolumes")
                .hasMessageContaining("KafkaRebalance nolabel has no strimzi.io/cluster label");
    }

    @Test
    void aRebalanceWithoutCruiseControlIsReadButRebalancingIsOff() throws IOException {
        Manifests m = seedWith("", """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaRebalance
                metadata:
                  name: shrink
                  labels: {strimzi.io/cluster: cluster}
                  annotations: {strimzi.io/rebalance-auto-approval: "true"}
                spec: {mode: remove-brokers, brokers: [2]}
                """);
        DesiredCluster c = ClusterModel.build(m, ClusterModel.Options.defaults()).cluster();
        assertThat(c.rebalanceSpec()).isEmpty();
        assertThat(c.rebalances()).extracting(DesiredRebalance::brokers, DesiredRebalance::autoApproval)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(List.of(2), true));
    }

    @Test
    void removeDisksNamesTheVolumesToEmptyPerBroker() throws IOException {
        Manifests m = seedWith("", """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaRebalance
                metadata:
                  name: disks
                  labels: {strimzi.io/cluster: cluster}
                spec:
                  mode: remove-disks
                  moveReplicasOffVolumes: [{brokerId: 0, volumeIds: [1, 2]}, {brokerId: 2, volumeIds: [1]}]
                """);
        DesiredRebalance r = ClusterModel.build(m, ClusterModel.Options.defaults()).cluster().rebalances().get(0);
        assertThat(r.mode()).isEqualTo("remove-disks");
        assertThat(r.volumes()).isEqualTo(Map.of(0, List.of(1, 2), 2, List.of(1)));
    }
}
