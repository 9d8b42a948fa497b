package io.keks.engine.roll;

import io.keks.model.DesiredNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The order of a roll, as batches restarted one after the other: nodes that are down or
 * crash-looping first (restarting them costs nothing that is not already lost, and the new
 * configuration may be what they need), then controllers with the active one last, then brokers:
 * one at a time, or one rack at a time when asked and every partition spans racks.
 */
public final class RollOrder {
    private RollOrder() {
    }

    public static List<List<DesiredNode>> plan(Collection<DesiredNode> nodes, Function<DesiredNode, NodeRuntime.Health> health,
                                               OptionalInt activeController, boolean byRack) {
        Comparator<DesiredNode> byId = Comparator.comparingInt(DesiredNode::id);
        List<List<DesiredNode>> batches = new ArrayList<>();
        List<DesiredNode> running = new ArrayList<>();
        for (DesiredNode n : nodes.stream().sorted(byId).toList()) {
            if (health.apply(n) == NodeRuntime.Health.RUNNING) {
                running.add(n);
            } else {
                batches.add(List.of(n));
            }
        }
        int active = activeController.orElse(-1);
        running.stream().filter(DesiredNode::isController).filter(n -> n.id() != active).forEach(n -> batches.add(List.of(n)));
        running.stream().filter(n -> n.isController() && n.id() == active).forEach(n -> batches.add(List.of(n)));
        List<DesiredNode> brokers = running.stream().filter(n -> !n.isController()).toList();
        if (byRack) {
            Map<String, List<DesiredNode>> racks = new TreeMap<>();
            List<List<DesiredNode>> alone = new ArrayList<>();
            for (DesiredNode b : brokers) {
                if (b.rack() == null) {
                    alone.add(List.of(b));
                } else {
                    racks.computeIfAbsent(b.rack(), r -> new ArrayList<>()).add(b);
                }
            }
            batches.addAll(racks.values());
            batches.addAll(alone);
        } else {
            brokers.forEach(b -> batches.add(List.of(b)));
        }
        return batches;
    }
}
