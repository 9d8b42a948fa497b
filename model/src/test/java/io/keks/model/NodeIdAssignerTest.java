package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Node ids as Strimzi assigns them, so pods and processes keep the names users know. */
class NodeIdAssignerTest {

    static NodeIdAssigner.PoolRequest pool(String name, int replicas, List<Integer> current, String next, String remove) {
        return new NodeIdAssigner.PoolRequest(name, replicas, current, next, remove);
    }

    @Test
    void newPoolsTakeTheLowestFreeIdsInPoolNameOrder() {
        var ids = NodeIdAssigner.assign(List.of(pool("controller", 3, List.of(), null, null), pool("broker", 3, List.of(), null, null)));
        assertThat(ids.get("broker")).containsExactly(0, 1, 2);
        assertThat(ids.get("controller")).containsExactly(3, 4, 5);
    }

    @Test
    void scalingUpFillsTheLowestGapAndKeepsExistingIds() {
        var ids = NodeIdAssigner.assign(List.of(pool("broker", 4, List.of(0, 2, 3), null, null),
                pool("controller", 3, List.of(4, 5, 6), null, null)));
        assertThat(ids.get("broker")).containsExactly(0, 1, 2, 3);
        assertThat(ids.get("controller")).containsExactly(4, 5, 6);
    }

    @Test
    void nextNodeIdsAnnotationChoosesTheNewIds() {
        var ids = NodeIdAssigner.assign(List.of(pool("broker", 5, List.of(0, 1, 2), "[10-11]", null)));
        assertThat(ids.get("broker")).containsExactly(0, 1, 2, 10, 11);
    }

    @Test
    void scalingDownRemovesTheHighestUnlessRemoveNodeIdsSaysOtherwise() {
        assertThat(NodeIdAssigner.assign(List.of(pool("broker", 2, List.of(0, 1, 2), null, null))).get("broker"))
                .containsExactly(0, 1);
        assertThat(NodeIdAssigner.assign(List.of(pool("broker", 2, List.of(0, 1, 2), null, "[0]"))).get("broker"))
                .containsExactly(1, 2);
    }

    @Test
    void anIdUsedByTwoPoolsIsRefused() {
        assertThatThrownBy(() -> NodeIdAssigner.assign(List.of(pool("a", 1, List.of(3), null, null), pool("b", 1, List.of(3), null, null))))
                .hasMessage("node id 3 of node pool b is also used by node pool a; every node needs its own id");
    }
}
