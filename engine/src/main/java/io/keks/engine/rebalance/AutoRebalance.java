package io.keks.engine.rebalance;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredRebalance;
import io.keks.model.RebalanceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code spec.cruiseControl.autoRebalance}: the rebalance keks makes by itself when brokers join ({@code add-brokers})
 * or before they leave ({@code remove-brokers}), with the settings of the template KafkaRebalance the mode names.
 * Named {@code <cluster>-auto-rebalancing-<mode>}, as Strimzi names the rebalance it makes.
 */
public final class AutoRebalance {
    public static final String ADD_BROKERS = "add-brokers";
    public static final String REMOVE_BROKERS = "remove-brokers";

    /** What the manifests ask for a mode: nothing, a rebalance, or a template that is named but not applied. */
    public sealed interface Wanted {
        /** The mode is not in {@code autoRebalance} (or rebalancing is off). */
        record Off() implements Wanted {
        }

        /** The template named for the mode is not among the applied KafkaRebalances. */
        record MissingTemplate(String template) implements Wanted {
        }

        record On(DesiredRebalance rebalance) implements Wanted {
        }
    }

    private AutoRebalance() {
    }

    /** The rebalance {@code mode} asks for over {@code brokers}: the template's settings, or Cruise Control's defaults without one. */
    public static Wanted of(DesiredCluster cluster, String mode, Set<Integer> brokers) {
        Optional<RebalanceSpec> spec = cluster.rebalanceSpec();
        if (brokers.isEmpty() || spec.isEmpty() || !spec.get().autoRebalance().containsKey(mode)) {
            return new Wanted.Off();
        }
        String templateName = spec.get().autoRebalance().get(mode);
        Optional<DesiredRebalance> template = cluster.rebalances().stream().filter(r -> r.name().equals(templateName)).findFirst();
        if (!templateName.isEmpty() && template.isEmpty()) {
            return new Wanted.MissingTemplate(templateName);
        }
        DesiredRebalance t = template.orElse(null);
        return new Wanted.On(new DesiredRebalance(cluster.name() + "-auto-rebalancing-" + mode, cluster.name(), mode,
                List.copyOf(new TreeSet<>(brokers)), t == null ? List.of() : t.goals(), t != null && t.skipHardGoalCheck(),
                t == null ? null : t.excludedTopics(), t == null ? DesiredRebalance.DEFAULT_MOVES_PER_BROKER : t.movesPerBroker(),
                t == null ? DesiredRebalance.DEFAULT_LEADER_MOVEMENTS : t.leaderMovements(), t == null ? 0 : t.replicationThrottle(),
                "", true, false, Map.of()));
    }
}
