package io.keks.engine.change;

import static io.keks.engine.change.ClusterDeltaTest.SEED;
import static io.keks.engine.change.ClusterDeltaTest.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.engine.roll.RestartReason;
import io.keks.engine.roll.Roller;
import io.keks.model.DesiredNode;
import io.keks.model.Role;
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
    void aLeavingControllerIsRefusedBeforeAnyStep() {
        ClusterImage.Node controller = imageNode(SEED.get(5));
        ClusterDelta delta = new ClusterDelta(List.of(node(6, Role.BROKER)), List.of(controller), Map.of(), Map.of(),
                OptionalInt.empty());
        assertThatThrownBy(() -> ClusterChanger.steps(delta)).isInstanceOf(Roller.RollFailed.class)
                .hasMessageContaining("node 5 is a controller");
    }
}
