package io.keks.engine.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.DesiredTopic;
import io.keks.model.KafkaVersion;
import io.keks.model.Role;
import io.keks.model.VolumeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChangeSafetyTest {
    static final VolumeSpec GI100 = new VolumeSpec(0, "persistent-claim", 100L << 30, "100Gi", null, false, true);

    static DesiredNode node(int id, String pool, Set<Role> roles, VolumeSpec volume) {
        return new DesiredNode(id, pool, roles, null, List.of(volume), null);
    }

    static DesiredCluster cluster(String version, String metadataVersion, List<DesiredNode> nodes, List<DesiredTopic> topics) {
        Map<String, List<Integer>> pools = new TreeMap<>();
        nodes.forEach(n -> pools.computeIfAbsent(n.pool(), p -> new ArrayList<>()).add(n.id()));
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse(version).orElseThrow(), metadataVersion, List.of(),
                Map.of(), nodes, topics, pools, null, null, null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    static List<DesiredNode> seed(VolumeSpec brokerVolume, Set<Role> controllerRoles) {
        return List.of(node(0, "broker", Set.of(Role.BROKER), brokerVolume), node(1, "broker", Set.of(Role.BROKER), brokerVolume),
                node(2, "broker", Set.of(Role.BROKER), brokerVolume), node(3, "controller", controllerRoles, GI100),
                node(4, "controller", controllerRoles, GI100), node(5, "controller", controllerRoles, GI100));
    }

    static final DesiredCluster RUNNING = cluster("4.4.0", null, seed(GI100, Set.of(Role.CONTROLLER)), List.of());

    @Test
    void theSameClusterIsSafe() {
        assertThat(ChangeSafety.refusals(RUNNING, RUNNING)).isEmpty();
    }

    @Test
    void storageMayGrowButNeverShrink() {
        VolumeSpec grown = new VolumeSpec(0, "persistent-claim", 200L << 30, "200Gi", null, false, true);
        assertThat(ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, seed(grown, Set.of(Role.CONTROLLER)), List.of()))).isEmpty();
        VolumeSpec shrunk = new VolumeSpec(0, "persistent-claim", 50L << 30, "50Gi", null, false, true);
        assertThat(ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, seed(shrunk, Set.of(Role.CONTROLLER)), List.of())))
                .hasSize(3).first().asString().contains("KafkaNodePool broker (node 0), volume 0: its size would shrink from 100Gi to 50Gi");
    }

    @Test
    void aVolumeMayBeRemovedButNotTheOneHoldingTheMetadataLog() {
        VolumeSpec second = new VolumeSpec(1, "persistent-claim", 100L << 30, "100Gi", null, false, false);
        List<DesiredNode> jbod = new ArrayList<>();
        for (DesiredNode n : seed(GI100, Set.of(Role.CONTROLLER))) {
            jbod.add(n.isBroker() ? new DesiredNode(n.id(), n.pool(), n.roles(), null, List.of(GI100, second), null) : n);
        }
        DesiredCluster twoVolumes = cluster("4.4.0", null, jbod, List.of());
        assertThat(ChangeSafety.removedVolumes(twoVolumes, RUNNING)).isEqualTo(Map.of(0, Set.of(1), 1, Set.of(1), 2, Set.of(1)));
        assertThat(ChangeSafety.refusals(twoVolumes, RUNNING)).as("volume 1 is left to the check against Kafka").isEmpty();
        assertThat(ChangeSafety.removedVolumes(RUNNING, twoVolumes)).as("adding a volume removes none").isEmpty();

        VolumeSpec onlySecond = new VolumeSpec(1, "persistent-claim", 100L << 30, "100Gi", null, false, true);
        DesiredCluster withoutFirst = cluster("4.4.0", null, seed(onlySecond, Set.of(Role.CONTROLLER)), List.of());
        assertThat(ChangeSafety.refusals(twoVolumes, withoutFirst)).hasSize(3).first().asString()
                .contains("KafkaNodePool broker (node 0), volume 0 would be removed, and it holds the node's KRaft metadata log");
    }

    @Test
    void aControllerPoolKeepsItsRolesAndTheLastBrokerPoolStays() {
        List<String> roles = ChangeSafety.refusals(RUNNING, cluster("4.4.0", null,
                seed(GI100, Set.of(Role.CONTROLLER, Role.BROKER)), List.of()));
        assertThat(roles).anySatisfy(r -> assertThat(r).contains("KafkaNodePool controller: its roles would change from"
                + " [controller] to [broker, controller]"));
        List<String> noBrokers = ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, seed(GI100, Set.of(Role.CONTROLLER))
                .subList(3, 6), List.of()));
        assertThat(noBrokers).anySatisfy(r -> assertThat(r).startsWith("no node pool with the broker role would be left"));
    }

    @Test
    void controllersMayBeAddedOrRemovedButNotAllReplacedInOneApply() {
        Set<Role> c = Set.of(Role.CONTROLLER);
        List<DesiredNode> five = new ArrayList<>(seed(GI100, c));
        five.add(node(6, "controller", c, GI100));
        five.add(node(7, "controller", c, GI100));
        assertThat(ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, five, List.of()))).isEmpty();
        assertThat(ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, seed(GI100, c).subList(0, 5), List.of()))).isEmpty();

        List<DesiredNode> replaced = new ArrayList<>(seed(GI100, c).subList(0, 3));
        List.of(10, 11, 12).forEach(id -> replaced.add(node(id, "controller-b", c, GI100)));
        assertThat(ChangeSafety.refusals(RUNNING, cluster("4.4.0", null, replaced, List.of()))).singleElement().asString()
                .contains("from [3, 4, 5] to [10, 11, 12] with none of them staying", "then remove the old ones in a second apply");
    }

    static final MetadataVersions K431 = new MetadataVersions("4.3.1", Map.of("4.2-IV1", 29, "4.3-IV0", 30), 30);
    static final MetadataVersions K440 = new MetadataVersions("4.4.0",
            Map.of("4.3-IV0", 30, "4.4-IV0", 31, "4.4-IV1", 32, "4.4-IV2", 33, "4.5-IV0", 34), 33);

    static DesiredCluster version(String version, String metadataVersion) {
        return cluster(version, metadataVersion, seed(GI100, Set.of(Role.CONTROLLER)), List.of());
    }

    @Test
    void anUpgradeAndAMetadataVersionItRunsAreSafe() {
        assertThat(ChangeSafety.versionRefusals(new KafkaVersion(4, 3, 1), new KafkaVersion(4, 3, 1), version("4.4.0", "4.4-IV2"),
                OptionalInt.of(30), K431, K440)).isEmpty();
        assertThat(K440.level("4.4")).as("a release means its newest level").hasValue(33);
    }

    @Test
    void goingBelowTheFormattingVersionOrTheFinalizedMetadataVersionIsRefused() {
        assertThat(ChangeSafety.versionRefusals(new KafkaVersion(4, 4, 0), new KafkaVersion(4, 4, 0), version("4.3.1", null),
                OptionalInt.of(30), K440, K431)).singleElement().asString()
                .startsWith("spec.kafka.version 4.3.1 is older than Kafka 4.4.0, which formatted the storage");
        assertThat(ChangeSafety.versionRefusals(new KafkaVersion(4, 4, 0), new KafkaVersion(4, 3, 1), version("4.3.1", null),
                OptionalInt.of(33), K440, K431)).singleElement().asString()
                .isEqualTo("metadata.version is finalized at 4.4-IV2 (level 33), newer than Kafka 4.3.1 supports (up to 4.3-IV0);"
                        + " metadata.version cannot be lowered, so keep spec.kafka.version 4.4.0");
        assertThat(ChangeSafety.versionRefusals(new KafkaVersion(4, 4, 0), new KafkaVersion(4, 3, 1), version("4.4.0", "4.4-IV0"),
                OptionalInt.of(33), K440, K440)).singleElement().asString().startsWith("spec.kafka.metadataVersion 4.4-IV0 is older than the"
                + " finalized metadata.version 4.4-IV2");
        assertThat(ChangeSafety.versionRefusals(new KafkaVersion(4, 4, 0), new KafkaVersion(4, 3, 1), version("4.4.0", "4.5-IV0"),
                OptionalInt.of(33), K440, K440)).singleElement().asString().isEqualTo("spec.kafka.metadataVersion 4.5-IV0 is not a metadata"
                + " version Kafka 4.4.0 runs in production; use 4.4-IV2 or older");
    }
}
