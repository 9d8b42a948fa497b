package io.keks.engine.change;

import io.keks.engine.config.ConfigModes;
import io.keks.engine.config.DynamicConfigPlan;
import io.keks.engine.roll.RestartReason;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What has to happen to the nodes for the cluster that exists ({@link ClusterImage}) to become the
 * desired one: nodes to start for the first time, nodes to drain and remove, nodes to restart and
 * why, and the metadata.version to finalize afterwards. Pure: computed from the two states, acted on
 * by {@link ClusterChanger}. Live config changes are not here: they need no node to change.
 *
 * @param joining       desired nodes that have never run
 * @param leaving       nodes that exist and the manifests no longer have
 * @param restarts      per node id, why it restarts
 * @param restartKeys   per node id, the entries of its configuration that only a restart applies
 * @param metadataLevel the metadata.version feature level to finalize once every node runs the new version
 * @param votersToAdd   desired controllers that do not vote in the metadata quorum yet (new ones, or ones a
 *                      change that stopped half-way started but did not add)
 * @param votersToRemove voters of the metadata quorum that are no desired controller
 */
public record ClusterDelta(List<DesiredNode> joining, List<ClusterImage.Node> leaving,
                           Map<Integer, Set<RestartReason>> restarts, Map<Integer, Set<String>> restartKeys,
                           OptionalInt metadataLevel, List<DesiredNode> votersToAdd, List<Integer> votersToRemove) {

    public ClusterDelta {
        joining = List.copyOf(joining);
        leaving = List.copyOf(leaving);
        restarts = new TreeMap<>(restarts);
        restartKeys = new TreeMap<>(restartKeys);
        votersToAdd = List.copyOf(votersToAdd);
        votersToRemove = List.copyOf(votersToRemove);
    }

    public ClusterDelta(List<DesiredNode> joining, List<ClusterImage.Node> leaving, Map<Integer, Set<RestartReason>> restarts,
                        Map<Integer, Set<String>> restartKeys, OptionalInt metadataLevel) {
        this(joining, leaving, restarts, restartKeys, metadataLevel, List.of(), List.of());
    }

    /**
     * @param desiredConfig        per desired node, the server.properties it would start with now
     * @param modes                which entries Kafka changes live, for the desired version
     * @param manual               node ids to restart even when nothing about them changed
     * @param desiredMetadataLevel the feature level of spec.kafka.metadataVersion, empty when it is not set
     */
    public static ClusterDelta of(DesiredCluster desired, Map<Integer, Map<String, String>> desiredConfig, ClusterImage image,
                                  ConfigModes modes, Set<Integer> manual, OptionalInt desiredMetadataLevel) {
        return of(desired, desiredConfig, image, modes, manual, Map.of(), desiredMetadataLevel);
    }

    /**
     * @param certificates per node id, the serial of the certificate it is to serve now: a node that
     *                     started with another one restarts to serve it
     */
    public static ClusterDelta of(DesiredCluster desired, Map<Integer, Map<String, String>> desiredConfig, ClusterImage image,
                                  ConfigModes modes, Set<Integer> manual, Map<Integer, String> certificates,
                                  OptionalInt desiredMetadataLevel) {
        List<DesiredNode> joining = new ArrayList<>();
        Map<Integer, Set<RestartReason>> restarts = new TreeMap<>();
        Map<Integer, Set<String>> keys = new TreeMap<>();
        String version = desired.version().toString();
        for (DesiredNode n : desired.nodes()) {
            ClusterImage.Node had = image.nodes().get(n.id());
            if (had == null || had.runningConfig().isEmpty()) {
                joining.add(n);
                continue;
            }
            Set<RestartReason> why = EnumSet.noneOf(RestartReason.class);
            Map<String, String> wanted = desiredConfig.getOrDefault(n.id(), Map.of());
            Set<String> changed = new TreeSet<>(DynamicConfigPlan.restartKeys(had.runningConfig(), wanted, modes));
            if (losesQuorum(had.runningConfig().get(DynamicConfigPlan.QUORUM_BOOTSTRAP), wanted.get(DynamicConfigPlan.QUORUM_BOOTSTRAP))) {
                changed.add(DynamicConfigPlan.QUORUM_BOOTSTRAP);
            }
            if (!changed.isEmpty()) {
                why.add(RestartReason.CONFIG_CHANGE);
                keys.put(n.id(), changed);
            }
            if (!version.equals(had.kafkaVersion())) {
                why.add(RestartReason.VERSION_CHANGE);
            }
            if (manual.contains(n.id())) {
                why.add(RestartReason.MANUAL);
            }
            String serving = certificates.get(n.id());
            if (had.certificate() != null && serving != null && !serving.equals(had.certificate())) {
                why.add(RestartReason.CERTIFICATE_RENEWAL);
            }
            if (!why.isEmpty()) {
                restarts.put(n.id(), why);
            }
        }
        List<ClusterImage.Node> leaving = image.nodes().values().stream()
                .filter(had -> desired.nodes().stream().noneMatch(n -> n.id() == had.id())).toList();
        OptionalInt level = OptionalInt.empty();
        if (desiredMetadataLevel.isPresent() && image.finalizedMetadataLevel().isPresent()
                && desiredMetadataLevel.getAsInt() > image.finalizedMetadataLevel().getAsInt()) {
            level = desiredMetadataLevel;
        }
        List<DesiredNode> add = List.of();
        List<Integer> remove = List.of();
        if (!image.voters().isEmpty()) {
            add = desired.controllers().stream().filter(c -> !image.voters().contains(c.id())).toList();
            remove = image.voters().stream().filter(v -> desired.controllers().stream().noneMatch(c -> c.id() == v)).toList();
        }
        return new ClusterDelta(joining, leaving, restarts, keys, level, add, remove);
    }

    /**
     * Whether a node that started with the controllers {@code running} to find the quorum through would know none of
     * the {@code wanted} ones: once the old ones leave, it could not find a new active controller. A changed list
     * restarts no node otherwise ({@link DynamicConfigPlan#READ_AT_START_ONLY}).
     */
    static boolean losesQuorum(String running, String wanted) {
        if (running == null || wanted == null || running.isBlank() || wanted.isBlank()) {
            return false;
        }
        Set<String> was = Set.of(running.trim().split("\\s*,\\s*"));
        return Arrays.stream(wanted.trim().split("\\s*,\\s*")).noneMatch(was::contains);
    }

    public boolean isEmpty() {
        return joining.isEmpty() && leaving.isEmpty() && restarts.isEmpty() && metadataLevel.isEmpty() && votersToAdd.isEmpty()
                && votersToRemove.isEmpty();
    }

    /** One line for people: what the change does to the nodes, as a plan or, with {@code done}, as a result. */
    public String summary(boolean done) {
        List<String> parts = new ArrayList<>();
        if (!joining.isEmpty()) {
            parts.add(joining.size() + " node(s) " + (done ? "started" : "to start"));
        }
        if (!votersToAdd.isEmpty()) {
            parts.add(votersToAdd.size() + " controller(s) " + (done ? "added to" : "to add to") + " the metadata quorum");
        }
        if (!votersToRemove.isEmpty()) {
            parts.add(votersToRemove.size() + " controller(s) " + (done ? "removed from" : "to remove from") + " the metadata quorum");
        }
        if (!leaving.isEmpty()) {
            parts.add(leaving.size() + " node(s) " + (done ? "drained and removed" : "to drain and remove"));
        }
        if (!restarts.isEmpty()) {
            parts.add(restarts.size() + " node(s) " + (done ? "restarted" : "to restart"));
        }
        metadataLevel.ifPresent(l -> parts.add("metadata.version " + (done ? "finalized" : "to finalize") + " at level " + l));
        return parts.isEmpty() ? "nothing to change" : String.join(", ", parts);
    }
}
