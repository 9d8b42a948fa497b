package io.keks.engine.change;

import static io.keks.engine.change.ClusterDeltaTest.SEED;
import static io.keks.engine.change.ClusterDeltaTest.node;
import static io.keks.engine.rebalance.RebalanceLifecycleTest.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.engine.rebalance.RebalanceExecutor;
import io.keks.engine.roll.BrokerDrain;
import io.keks.engine.roll.RestartReason;
import io.keks.engine.roll.Roller;
import io.keks.model.DesiredNode;
import io.keks.model.DesiredRebalance;
import io.keks.model.RebalanceSpec;
import io.keks.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The order ClusterChanger carries a delta out in, decided before it touches anything. */
class ClusterChangerStepsTest {
    static ClusterImage.Node imageNode(DesiredNode n) {
        return new ClusterImage.Node(n.id(), n.pool(), n.roles(), n.rack(), Map.of(), "4.4.0");
    }

    @Test
    void capacityArrivesBeforeAnyLeavesThenRestartsThenMetadataVersion() throws Exception {
        DesiredNode joining = node(6, Role.BROKER);
        ClusterImage.Node leaving = imageNode(node(2, Role.BROKER));
        Map<Integer, Set<RestartReason>> restarts = Map.of(0, Set.of(RestartReason.CONFIG_CHANGE));
        ClusterDelta delta = new ClusterDelta(List.of(joining), List.of(leaving), restarts, Map.of(), OptionalInt.of(33));

        assertThat(ClusterChanger.steps(delta)).containsExactly(
                new ClusterChanger.Step.Join(List.of(joining)),
                new ClusterChanger.Step.Drain(Set.of(2)),
                new ClusterChanger.Step.Remove(List.of(leaving)),
                new ClusterChanger.Step.Roll(restarts),
                new ClusterChanger.Step.FinalizeMetadata(33));
    }

    @Test
    void onlyWhatTheDeltaHoldsIsDone() throws Exception {
        assertThat(ClusterChanger.steps(new ClusterDelta(List.of(), List.of(), Map.of(), Map.of(), OptionalInt.empty()))).isEmpty();
        ClusterDelta onlyVersion = new ClusterDelta(List.of(), List.of(), Map.of(), Map.of(), OptionalInt.of(30));
        assertThat(ClusterChanger.steps(onlyVersion)).containsExactly(new ClusterChanger.Step.FinalizeMetadata(30));
    }

    @Test
    void newControllersVoteBeforeOldOnesStopVotingAndLeaveAfterwards() throws Exception {
        DesiredNode newController = node(6, Role.CONTROLLER);
        ClusterImage.Node oldController = imageNode(SEED.get(5));
        ClusterDelta delta = new ClusterDelta(List.of(newController), List.of(oldController), Map.of(), Map.of(), OptionalInt.empty(),
                List.of(newController), List.of(5));

        assertThat(ClusterChanger.steps(delta)).containsExactly(
                new ClusterChanger.Step.Join(List.of(newController)),
                new ClusterChanger.Step.AddVoters(List.of(newController)),
                new ClusterChanger.Step.Remove(List.of(oldController)));
        // a voter of no node that leaves is removed on its own
        ClusterDelta stray = new ClusterDelta(List.of(), List.of(), Map.of(), Map.of(), OptionalInt.empty(), List.of(), List.of(9));
        assertThat(ClusterChanger.steps(stray)).containsExactly(new ClusterChanger.Step.RemoveVoters(List.of(9)));
    }

    @Test
    void aLeavingNodeWithBothRolesIsDrainedWhileItServesAndNodesThatWouldLoseTheQuorumRestartBeforeItsVotersLeave() {
        ClusterImage.Node combined = new ClusterImage.Node(0, "dual", Set.of(Role.BROKER, Role.CONTROLLER), null, Map.of(), "4.4.0");
        Map<Integer, Set<RestartReason>> restarts = Map.of(1, Set.of(RestartReason.CONFIG_CHANGE), 7, Set.of(RestartReason.CONFIG_CHANGE));
        Map<Integer, Set<String>> keys = Map.of(1, Set.of("controller.quorum.bootstrap.servers"), 7, Set.of("num.io.threads"));
        ClusterDelta delta = new ClusterDelta(List.of(), List.of(combined), restarts, keys, OptionalInt.empty(), List.of(), List.of(0));

        assertThat(ClusterChanger.steps(delta)).containsExactly(
                new ClusterChanger.Step.Rediscover(Map.of(1, Set.of(RestartReason.CONFIG_CHANGE))),
                new ClusterChanger.Step.Drain(Set.of(0)),
                new ClusterChanger.Step.Remove(List.of(combined)),
                new ClusterChanger.Step.Roll(Map.of(7, Set.of(RestartReason.CONFIG_CHANGE))));
    }

    @Test
    void theRemoveBrokersTemplateSetsHowTheDrainMovesPartitions() {
        Roller.Options roll = Roller.Options.defaults();
        List<String> said = new ArrayList<>();
        ClusterChanger changer = new ClusterChanger(null, null, new ClusterChanger.Options(roll, 50L << 20), said::add);
        DesiredRebalance template = new DesiredRebalance("slow", "cluster", "full", List.of(), List.of(), false, null, 2, 100, 10L << 20,
                "", false, true, Map.of());
        DesiredRebalance noThrottle = new DesiredRebalance("t", "cluster", "full", List.of(), List.of(), false, null, 3, 100, 0,
                "", false, true, Map.of());

        RebalanceExecutor.Settings withTemplate = changer.drainSettings(
                cluster(new RebalanceSpec(Map.of("remove-brokers", "slow"), 0, 0), List.of(template)), Set.of(3));
        assertThat(withTemplate).isEqualTo(new RebalanceExecutor.Settings(2, 100, 10L << 20, roll.nodeTimeout()));
        assertThat(said).containsExactly("auto-rebalance cluster-auto-rebalancing-remove-brokers: draining with 2 partition movement(s) per broker");

        // a template without a throttle keeps the drain's, so a drain is never unthrottled by accident
        assertThat(changer.drainSettings(cluster(new RebalanceSpec(Map.of("remove-brokers", "t"), 0, 0), List.of(noThrottle)), Set.of(3)))
                .isEqualTo(new RebalanceExecutor.Settings(3, 100, 50L << 20, roll.nodeTimeout()));
        // without a template: Cruise Control's defaults at the drain throttle
        assertThat(changer.drainSettings(cluster(new RebalanceSpec(Map.of("remove-brokers", ""), 0, 0), List.of()), Set.of(3)))
                .isEqualTo(new RebalanceExecutor.Settings(5, 1000, 50L << 20, roll.nodeTimeout()));

        RebalanceExecutor.Settings allAtOnce = BrokerDrain.allAtOnce(50L << 20, roll.nodeTimeout());
        // add-brokers only, or rebalancing off: every partition at once, as keks always drained
        assertThat(changer.drainSettings(cluster(new RebalanceSpec(Map.of("add-brokers", ""), 0, 0), List.of()), Set.of(3))).isEqualTo(allAtOnce);
        assertThat(changer.drainSettings(cluster(null, List.of()), Set.of(3))).isEqualTo(allAtOnce);
        said.clear();
        assertThat(changer.drainSettings(cluster(new RebalanceSpec(Map.of("remove-brokers", "gone"), 0, 0), List.of()), Set.of(3)))
                .isEqualTo(allAtOnce);
        assertThat(said).containsExactly("remove-brokers template KafkaRebalance gone is not applied; draining with the defaults");
    }
}
