package io.keks.engine.rebalance;

import static io.keks.engine.rebalance.RebalanceLifecycle.Action.EXECUTE;
import static io.keks.engine.rebalance.RebalanceLifecycle.Action.PROPOSE;
import static io.keks.engine.rebalance.RebalanceLifecycle.Action.STOP;
import static io.keks.engine.rebalance.RebalanceLifecycle.Action.STOP_AND_PROPOSE;
import static io.keks.engine.rebalance.RebalanceLifecycle.Action.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredRebalance;
import io.keks.model.KafkaVersion;
import io.keks.model.RebalanceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class RebalanceLifecycleTest {

    @Test
    void strimzisLifecycle() {
        assertThat(RebalanceLifecycle.next("New", "", false)).isEqualTo(PROPOSE);
        assertThat(RebalanceLifecycle.next("ProposalReady", "", false)).isEqualTo(WAIT);
        assertThat(RebalanceLifecycle.next("ProposalReady", "", true)).as("auto-approval").isEqualTo(EXECUTE);
        assertThat(RebalanceLifecycle.next("ProposalReady", "approve", false)).isEqualTo(EXECUTE);
        assertThat(RebalanceLifecycle.next("ProposalReady", "refresh", false)).isEqualTo(PROPOSE);
        assertThat(RebalanceLifecycle.next("Rebalancing", "", false)).as("resumed after a restart").isEqualTo(EXECUTE);
        assertThat(RebalanceLifecycle.next("Rebalancing", "stop", false)).isEqualTo(STOP);
        assertThat(RebalanceLifecycle.next("Rebalancing", "refresh", false)).isEqualTo(STOP_AND_PROPOSE);
        for (String end : List.of("Ready", "Stopped", "NotReady")) {
            assertThat(RebalanceLifecycle.next(end, "", true)).as(end).isEqualTo(WAIT);
            assertThat(RebalanceLifecycle.next(end, "approve", false)).as(end + " approve").isEqualTo(WAIT);
            assertThat(RebalanceLifecycle.next(end, "refresh", false)).as(end + " refresh").isEqualTo(PROPOSE);
        }
        assertThat(RebalanceLifecycle.consumes(EXECUTE, "approve")).isTrue();
        assertThat(RebalanceLifecycle.consumes(WAIT, "approve")).as("an annotation not acted on stays").isFalse();
    }

    /** A store in memory: what a runtime keeps, without Kafka. */
    static final class MemoryStore implements RebalanceReconciler.Store {
        final Map<String, RebalanceState> states = new HashMap<>();
        final Map<String, String> annotations = new HashMap<>();

        @Override
        public Optional<RebalanceState> load(String name) {
            return Optional.ofNullable(states.get(name));
        }

        @Override
        public void save(String name, RebalanceState state) {
            states.put(name, state);
        }

        @Override
        public String annotation(String name) {
            return annotations.getOrDefault(name, "");
        }

        @Override
        public void removeAnnotation(String name) {
            annotations.remove(name);
        }
    }

    static DesiredRebalance rebalance(String name, String annotation) {
        return new DesiredRebalance(name, "cluster", "full", List.of(), List.of(), false, null, 5, 1000, 0, annotation, false, false,
                Map.of());
    }

    /** A cluster with nothing but its rebalancing settings and KafkaRebalances. */
    public static DesiredCluster cluster(RebalanceSpec spec, List<DesiredRebalance> rebalances) {
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse("4.4.0").orElseThrow(), null, List.of(), Map.of(), List.of(),
                List.of(), Map.of(), null, null, null, null, List.of(), null, null, spec, rebalances, Map.of());
    }

    @Test
    void aRebalanceForAClusterWithoutCruiseControlIsNotReadyAndSaysHowToTurnItOn() throws Exception {
        MemoryStore store = new MemoryStore();
        // no Kafka is asked: the refusal comes first
        var states = new RebalanceReconciler(null, store, RebalanceReconciler.Settings.defaults(), l -> { })
                .reconcileAll(cluster(null, List.of(rebalance("r", ""))));
        assertThat(states.get("r").state()).isEqualTo("NotReady");
        assertThat(states.get("r").reason()).contains("no spec.cruiseControl", "cruiseControl: {}");
    }

    @Test
    void aSecondApprovedRebalanceWaitsWhileOneRunsAndKeepsItsApproval() throws Exception {
        MemoryStore store = new MemoryStore();
        RebalanceState ready = new RebalanceState("ProposalReady", "", "s", Map.of(), List.of(), Map.of(), null, "");
        store.annotations.put("second", "approve");
        RebalanceState after = new RebalanceReconciler(null, store, RebalanceReconciler.Settings.defaults(), l -> { })
                .reconcile(cluster(new RebalanceSpec(Map.of(), 0, 0), List.of()), rebalance("second", "approve"), ready, Optional.of("first"));
        assertThat(after.state()).isEqualTo("ProposalReady");
        assertThat(after.reason()).isEqualTo("waiting: KafkaRebalance first is rebalancing; this one starts when it ends");
        assertThat(store.annotations).containsEntry("second", "approve");
    }

    @Test
    void aStopOfARebalanceNoProcessRunsAnyMoreStopsIt() throws Exception {
        MemoryStore store = new MemoryStore();
        store.annotations.put("first", "stop");
        RebalanceState running = new RebalanceState("Rebalancing", "", "s", Map.of(), List.of(), Map.of(), null, "");
        store.states.put("first", running);
        var states = new RebalanceReconciler(null, store, RebalanceReconciler.Settings.defaults(), l -> { })
                .reconcileAll(cluster(new RebalanceSpec(Map.of(), 0, 0), List.of(rebalance("first", "stop"))));
        assertThat(states.get("first").state()).isEqualTo("Stopped");
        assertThat(store.annotations).as("the stop was acted on and removed").doesNotContainKey("first");
    }
}
