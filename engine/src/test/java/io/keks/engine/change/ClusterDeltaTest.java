package io.keks.engine.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.config.ConfigModes;
import io.keks.engine.config.DynamicConfigPlan;
import io.keks.engine.roll.RestartReason;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterDeltaTest {
    static final ConfigModes MODES = ConfigModes.fromUpdateModes("4.4.0", Map.of("log.retention.ms", "cluster-wide"));

    static DesiredNode node(int id, Role role) {
        return new DesiredNode(id, role == Role.BROKER ? "broker" : "controller", Set.of(role), null, List.of(), null);
    }

    static DesiredCluster cluster(String version, String metadataVersion, List<DesiredNode> nodes) {
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse(version).orElseThrow(), metadataVersion, List.of(),
                Map.of(), nodes, List.of(), Map.of(), null, null, null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    static final List<DesiredNode> SEED = List.of(node(0, Role.BROKER), node(1, Role.BROKER), node(2, Role.BROKER),
            node(3, Role.CONTROLLER), node(4, Role.CONTROLLER), node(5, Role.CONTROLLER));

    static Map<String, String> config(String... entries) {
        Map<String, String> c = new HashMap<>(Map.of("node.id", "x"));
        for (int i = 0; i < entries.length; i += 2) {
            c.put(entries[i], entries[i + 1]);
        }
        return c;
    }

    /** Every node running {@code version} with {@code running} as its config. */
    static ClusterImage image(List<DesiredNode> nodes, String version, Map<String, String> running, int level) {
        return new ClusterImage(nodes.stream().collect(Collectors.toMap(DesiredNode::id, n -> new ClusterImage.Node(n.id(),
                n.pool(), n.roles(), n.rack(), running, version))), OptionalInt.of(level));
    }

    static Map<Integer, Map<String, String>> everyNode(List<DesiredNode> nodes, Map<String, String> config) {
        return nodes.stream().collect(Collectors.toMap(DesiredNode::id, n -> config));
    }

    @Test
    void nothingChangesWhenTheNodesRunWhatIsDesired() {
        ClusterDelta d = ClusterDelta.of(cluster("4.4.0", null, SEED), everyNode(SEED, config()), image(SEED, "4.4.0", config(), 33),
                MODES, Set.of(), OptionalInt.empty());
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.summary(false)).isEqualTo("nothing to change");
    }

    @Test
    void aReadOnlyEntryRestartsEveryNodeWhileADynamicOneRestartsNone() {
        Map<String, String> wanted = config("auto.create.topics.enable", "false", "log.retention.ms", "1000");
        ClusterDelta d = ClusterDelta.of(cluster("4.4.0", null, SEED), everyNode(SEED, wanted), image(SEED, "4.4.0", config(), 33),
                MODES, Set.of(), OptionalInt.empty());
        assertThat(d.restarts()).hasSize(6).allSatisfy((id, why) -> assertThat(why).containsExactly(RestartReason.CONFIG_CHANGE));
        assertThat(d.restartKeys().get(0)).containsExactly("auto.create.topics.enable");
    }

    @Test
    void aNewVersionRestartsEveryNodeAndFinalizesTheMetadataVersionAskedFor() {
        ClusterDelta d = ClusterDelta.of(cluster("4.4.0", "4.4-IV2", SEED), everyNode(SEED, config()),
                image(SEED, "4.3.1", config(), 30), MODES, Set.of(), OptionalInt.of(33));
        assertThat(d.restarts()).hasSize(6).allSatisfy((id, why) -> assertThat(why).containsExactly(RestartReason.VERSION_CHANGE));
        assertThat(d.metadataLevel()).hasValue(33);
        assertThat(d.summary(false)).isEqualTo("6 node(s) to restart, metadata.version to finalize at level 33");
        assertThat(d.summary(true)).isEqualTo("6 node(s) restarted, metadata.version finalized at level 33");
    }

    @Test
    void aMetadataVersionAlreadyReachedOrBelowTheFinalizedOneIsNoChange() {
        for (int asked : List.of(30, 29)) {
            ClusterDelta d = ClusterDelta.of(cluster("4.4.0", "x", SEED), everyNode(SEED, config()), image(SEED, "4.4.0", config(), 30),
                    MODES, Set.of(), OptionalInt.of(asked));
            assertThat(d.metadataLevel()).as("asked %d", asked).isEmpty();
        }
    }

    @Test
    void aNodeThatNeverStartedJoinsAndANodeTheManifestsDroppedLeaves() {
        List<DesiredNode> grown = new ArrayList<>(SEED);
        grown.add(node(6, Role.BROKER));
        ClusterImage had = image(SEED, "4.4.0", config(), 33);
        ClusterDelta up = ClusterDelta.of(cluster("4.4.0", null, grown), everyNode(grown, config()), had, MODES, Set.of(),
                OptionalInt.empty());
        assertThat(up.joining()).extracting(DesiredNode::id).containsExactly(6);
        assertThat(up.leaving()).isEmpty();
        assertThat(up.restarts()).isEmpty();

        // formatted by apply but not started yet: still joining
        Map<Integer, ClusterImage.Node> withNew = new HashMap<>(had.nodes());
        withNew.put(6, new ClusterImage.Node(6, "broker", Set.of(Role.BROKER), null, Map.of(), "4.4.0"));
        assertThat(ClusterDelta.of(cluster("4.4.0", null, grown), everyNode(grown, config()), new ClusterImage(withNew, OptionalInt.of(33)),
                MODES, Set.of(), OptionalInt.empty()).joining()).extracting(DesiredNode::id).containsExactly(6);

        ClusterDelta down = ClusterDelta.of(cluster("4.4.0", null, SEED), everyNode(SEED, config()), image(grown, "4.4.0", config(), 33),
                MODES, Set.of(), OptionalInt.empty());
        assertThat(down.leaving()).extracting(ClusterImage.Node::id).containsExactly(6);
        assertThat(down.joining()).isEmpty();
        assertThat(down.summary(false)).isEqualTo("1 node(s) to drain and remove");
    }

    @Test
    void manualRestartsAreAddedToTheOthers() {
        ClusterDelta d = ClusterDelta.of(cluster("4.4.0", null, SEED), everyNode(SEED, config()), image(SEED, "4.3.1", config(), 33),
                MODES, Set.of(1), OptionalInt.empty());
        assertThat(d.restarts().get(1)).containsExactly(RestartReason.VERSION_CHANGE, RestartReason.MANUAL);
        assertThat(d.restarts().get(0)).containsExactly(RestartReason.VERSION_CHANGE);
    }

    @Test
    void aNodeThatStartedWithAnotherCertificateThanItServesNowRestartsForIt() {
        Map<Integer, ClusterImage.Node> nodes = new TreeMap<>();
        for (DesiredNode n : SEED) {
            // node 0 started with certificate a1, node 1 with a2, node 2 cannot tell, the controllers have none
            String started = n.id() == 0 ? "a1" : n.id() == 1 ? "a2" : null;
            nodes.put(n.id(), new ClusterImage.Node(n.id(), n.pool(), n.roles(), null, config(), "4.4.0", started));
        }
        Map<Integer, String> servedNow = Map.of(0, "b1", 1, "a2", 2, "b3");
        ClusterDelta d = ClusterDelta.of(cluster("4.4.0", null, SEED), everyNode(SEED, config()), new ClusterImage(nodes, OptionalInt.of(33)),
                MODES, Set.of(), servedNow, OptionalInt.empty());
        assertThat(d.restarts()).containsOnlyKeys(0);
        assertThat(d.restarts().get(0)).containsExactly(RestartReason.CERTIFICATE_RENEWAL);
    }

    @Test
    void controllersThatDoNotVoteAreAddedAndVotersNoLongerWantedRemoved() {
        Map<Integer, ClusterImage.Node> running = new TreeMap<>();
        SEED.forEach(n -> running.put(n.id(), new ClusterImage.Node(n.id(), n.pool(), n.roles(), null, config(), "4.4.0")));
        // controller 6 started in a change that stopped before it was added; controller 5 leaves
        DesiredNode six = node(6, Role.CONTROLLER);
        running.put(6, new ClusterImage.Node(6, "controller", Set.of(Role.CONTROLLER), null, config(), "4.4.0"));
        List<DesiredNode> wanted = new ArrayList<>(SEED.subList(0, 5));
        wanted.add(six);
        ClusterImage image = new ClusterImage(running, OptionalInt.empty(), Set.of(3, 4, 5));

        ClusterDelta delta = ClusterDelta.of(cluster("4.4.0", null, wanted), Map.of(), image, MODES, Set.of(),
                OptionalInt.empty());
        assertThat(delta.votersToAdd()).containsExactly(six);
        assertThat(delta.votersToRemove()).containsExactly(5);
        assertThat(delta.joining()).isEmpty();
        assertThat(delta.leaving()).extracting(ClusterImage.Node::id).containsExactly(5);
        assertThat(delta.summary(false)).contains("1 controller(s) to add to the metadata quorum",
                "1 controller(s) to remove from the metadata quorum");

        // when Kafka did not say who votes, nothing is guessed
        ClusterDelta unknown = ClusterDelta.of(cluster("4.4.0", null, wanted), Map.of(), new ClusterImage(running, OptionalInt.empty()),
                MODES, Set.of(), OptionalInt.empty());
        assertThat(unknown.votersToAdd()).isEmpty();
        assertThat(unknown.votersToRemove()).isEmpty();
    }

    @Test
    void aNewListOfControllersToBootstrapFromRestartsANodeOnlyWhenItWouldKnowNoneOfThem() {
        Map<String, String> running = config("controller.quorum.bootstrap.servers", "a:9090,b:9090,c:9090");
        Map<String, String> wanted = config("controller.quorum.bootstrap.servers", "a:9090,b:9090,c:9090,d:9090,e:9090");
        assertThat(DynamicConfigPlan.restartKeys(running, wanted, MODES)).isEmpty();
        assertThat(ClusterDelta.losesQuorum("a:9090,b:9090,c:9090", "c:9090, d:9090")).isFalse();
        assertThat(ClusterDelta.losesQuorum("a:9090,b:9090,c:9090", "d:9090,e:9090,f:9090")).isTrue();

        // broker 0 started knowing controllers a, b, c only; the manifests keep d, e, f
        Map<Integer, ClusterImage.Node> image = new TreeMap<>();
        image.put(0, new ClusterImage.Node(0, "broker", Set.of(Role.BROKER), null, running, "4.4.0"));
        ClusterDelta delta = ClusterDelta.of(cluster("4.4.0", null, List.of(node(0, Role.BROKER))),
                Map.of(0, config("controller.quorum.bootstrap.servers", "d:9090,e:9090,f:9090")), new ClusterImage(image, OptionalInt.empty()),
                MODES, Set.of(), OptionalInt.empty());
        assertThat(delta.restartKeys()).containsEntry(0, Set.of("controller.quorum.bootstrap.servers"));
        assertThat(delta.restarts()).containsEntry(0, Set.of(RestartReason.CONFIG_CHANGE));
    }
}
