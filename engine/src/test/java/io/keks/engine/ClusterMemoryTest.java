package io.keks.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What keks remembers for a cluster's life, and how storage is formatted from it, as both runtimes use it. */
class ClusterMemoryTest {
    static DesiredCluster cluster(int controllers, String metadataVersion) {
        List<DesiredNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new DesiredNode(i, "broker", Set.of(Role.BROKER), null, List.of(), null));
        }
        for (int i = 3; i < 3 + controllers; i++) {
            nodes.add(new DesiredNode(i, "controller", Set.of(Role.CONTROLLER), null, List.of(), null));
        }
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse("4.4.0").orElseThrow(), metadataVersion, List.of(), Map.of(),
                nodes, List.of(), Map.of(), null, null, null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    @Test
    void theInitialControllersFormTheQuorumAndEveryOtherNodeJoinsIt() {
        ClusterMemory m = ClusterMemory.derived(cluster(3, "4.4-IV2"));
        DesiredCluster grown = cluster(4, "4.4-IV2");
        m = m.withNodes(grown);
        assertThat(m.initialControllers()).as("chosen once").containsExactly(3, 4, 5);
        assertThat(m.directoryIds()).containsKeys(0, 1, 2, 3, 4, 5, 6);
        List<String> controller = m.formatArgs(grown, grown.nodes().get(3), c -> "h" + c.id() + ":9090");
        assertThat(controller).containsExactly("--initial-controllers", "3@h3:9090:" + m.directoryIds().get(3) + ",4@h4:9090:"
                + m.directoryIds().get(4) + ",5@h5:9090:" + m.directoryIds().get(5), "--release-version", "4.4-IV2");
        assertThat(m.formatArgs(grown, grown.nodes().get(6), c -> "x")).containsExactly("--no-initial-controllers",
                "--release-version", "4.4-IV2");
        assertThat(m.formatArgs(cluster(3, null), grown.nodes().get(0), c -> "x")).containsExactly("--no-initial-controllers");
    }

    @Test
    void theNewestKafkaThatFormattedANodeIsRememberedAndANodeThatLeftIsForgotten() {
        ClusterMemory m = ClusterMemory.newCluster(cluster(3, null)).withFormatted(Map.of(0, "4.3.1", 1, "4.4.0", 2, ""));
        assertThat(m.formattedBy(KafkaVersion.parse("3.9.0").orElseThrow())).hasToString("4.4.0");
        assertThat(ClusterMemory.newCluster(cluster(3, null)).formattedBy(KafkaVersion.parse("3.9.0").orElseThrow())).hasToString("3.9.0");
        ClusterMemory without = m.without(1);
        assertThat(without.formatted()).containsOnlyKeys(0, 2);
        assertThat(without.directoryIds()).doesNotContainKey(1);
        assertThat(ClusterMemory.newCluster(cluster(3, null)).internalTls()).isTrue();
        assertThat(ClusterMemory.newCluster(cluster(3, null)).clusterId()).isNotEqualTo(ClusterMemory.newCluster(cluster(3, null)).clusterId());
        assertThat(ClusterMemory.derived(cluster(3, null)).clusterId()).isEqualTo(ClusterMemory.derived(cluster(3, null)).clusterId());
    }

    @Test
    void anInitialControllerThatLeftAndComesBackJoinsTheRunningQuorum() {
        DesiredCluster three = cluster(3, null);
        ClusterMemory m = ClusterMemory.newCluster(three).withFormatted(Map.of(0, "4.4.0", 3, "4.4.0", 4, "4.4.0", 5, "4.4.0"));
        ClusterMemory left = m.without(5);
        assertThat(left.initialControllers()).containsExactly(3, 4);
        ClusterMemory back = left.withNodes(three);
        // formatted with the initial controllers again, node 5 would start a quorum of its own
        assertThat(back.formatArgs(three, three.nodes().get(5), c -> "x")).containsExactly("--no-initial-controllers");
        // and a memory whose initial controllers all left keeps none, rather than choosing them again
        ClusterMemory none = m.without(3).without(4).without(5).withNodes(three);
        assertThat(none.initialControllers()).isEmpty();
    }
}
