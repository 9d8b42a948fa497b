package io.keks.engine.roll;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.DesiredNode;
import io.keks.model.Role;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollOrderTest {
    static DesiredNode broker(int id, String rack) {
        return new DesiredNode(id, "broker", Set.of(Role.BROKER), rack, List.of(), null);
    }

    static DesiredNode controller(int id) {
        return new DesiredNode(id, "controller", Set.of(Role.CONTROLLER), null, List.of(), null);
    }

    static List<List<Integer>> ids(List<List<DesiredNode>> batches) {
        return batches.stream().map(b -> b.stream().map(DesiredNode::id).toList()).toList();
    }

    final List<DesiredNode> seed = List.of(broker(0, "a"), broker(1, "b"), broker(2, "c"), controller(3), controller(4), controller(5));

    @Test
    void controllersComeFirstWithTheActiveOneLastThenBrokersOneByOne() {
        var plan = RollOrder.plan(seed, n -> NodeRuntime.Health.RUNNING, OptionalInt.of(4), false);
        assertThat(ids(plan)).containsExactly(List.of(3), List.of(5), List.of(4), List.of(0), List.of(1), List.of(2));
    }

    @Test
    void nodesThatAreDownOrCrashLoopingGoBeforeEverythingElse() {
        Map<Integer, NodeRuntime.Health> health = Map.of(2, NodeRuntime.Health.CRASH_LOOP, 5, NodeRuntime.Health.DOWN);
        var plan = RollOrder.plan(seed, n -> health.getOrDefault(n.id(), NodeRuntime.Health.RUNNING), OptionalInt.of(5), false);
        assertThat(ids(plan)).containsExactly(List.of(2), List.of(5), List.of(3), List.of(4), List.of(0), List.of(1));
    }

    @Test
    void byRackGroupsTheBrokersOfARackAndLeavesRacklessBrokersAlone() {
        List<DesiredNode> nodes = List.of(broker(0, "b"), broker(1, "a"), broker(2, "b"), broker(6, null), controller(3));
        var plan = RollOrder.plan(nodes, n -> NodeRuntime.Health.RUNNING, OptionalInt.empty(), true);
        assertThat(ids(plan)).containsExactly(List.of(3), List.of(1), List.of(0, 2), List.of(6));
    }

    @Test
    void onlyTheNodesAskedForAreInThePlan() {
        var plan = RollOrder.plan(List.of(seed.get(1), seed.get(4)), n -> NodeRuntime.Health.RUNNING, OptionalInt.of(4), false);
        assertThat(ids(plan)).containsExactly(List.of(4), List.of(1));
    }
}
