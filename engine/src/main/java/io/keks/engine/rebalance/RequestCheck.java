package io.keks.engine.rebalance;

import io.keks.engine.rebalance.RebalanceRequest.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What a rebalance request must be before anything is planned: known goals, the hard ones named, brokers that exist. */
final class RequestCheck {
    private RequestCheck() {
    }

    /** The goals asked for, checked: known names, and the hard ones there unless the check is skipped. */
    static List<Goal> goals(RebalanceRequest request) throws RebalanceRefused {
        if (request.goals().isEmpty()) {
            return Goal.defaults();
        }
        List<Goal> goals = new ArrayList<>();
        for (String name : request.goals()) {
            Optional<Goal> g = Goal.of(name);
            if (g.isEmpty()) {
                throw new RebalanceRefused("unknown goal \"" + name + "\"; goals are Cruise Control's: "
                        + Arrays.stream(Goal.values()).map(Goal::ccName).toList());
            }
            if (!goals.contains(g.get())) {
                goals.add(g.get());
            }
        }
        List<String> missing = Goal.defaultHard().stream().filter(h -> !goals.contains(h)).map(Goal::ccName).toList();
        if (!missing.isEmpty() && !request.skipHardGoalCheck()) {
            throw new RebalanceRefused("spec.goals leaves out the hard goals " + missing
                    + "; add them, or set spec.skipHardGoalCheck: true to rebalance without them");
        }
        return goals;
    }

    static void brokers(ClusterLoad load, RebalanceRequest request) throws RebalanceRefused {
        Set<Integer> known = new TreeSet<>();
        load.brokers().forEach(b -> known.add(b.id()));
        if (request.mode() != Mode.FULL && request.brokers().isEmpty()) {
            throw new RebalanceRefused("mode " + request.mode().value() + " needs spec.brokers: the ids of the brokers "
                    + (request.mode() == Mode.ADD_BROKERS ? "added" : "to remove"));
        }
        List<Integer> unknown = request.brokers().stream().filter(b -> !known.contains(b)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new RebalanceRefused("spec.brokers names " + unknown + ", which the cluster does not have; its brokers are " + known);
        }
        if (request.mode() == Mode.REMOVE_BROKERS) {
            int left = known.size() - request.brokers().size();
            for (ClusterLoad.Partition p : load.partitions()) {
                if (p.replicas().size() > left) {
                    throw new RebalanceRefused("removing brokers " + new TreeSet<>(request.brokers()) + " leaves " + left
                            + " broker(s), fewer than the " + p.replicas().size() + " replicas of " + p.name());
                }
            }
        }
    }
}
