package io.keks.engine.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The delta between the broker config a manifest asks for and what the cluster has: which entries
 * change live (and at which scope), which overrides keks set earlier and the manifest dropped are
 * removed, and which changes need nodes restarted. Pure: the caller observes and acts.
 *
 * @param clusterWide   cluster-wide dynamic defaults to set (all brokers)
 * @param perBroker     per-broker-only dynamic entries to set on every broker
 * @param delete        dynamic overrides keks set before that the manifest no longer has
 * @param managed       the dynamic keys keks owns after this change (remember them for the next)
 */
public record DynamicConfigPlan(Map<String, String> clusterWide, Map<String, String> perBroker, Set<String> delete,
                                Set<String> managed) {

    /**
     * @param desired         spec.kafka.config as keks passes it to Kafka
     * @param liveDefaults    the cluster-wide dynamic overrides Kafka has now
     * @param livePerBroker   the per-broker dynamic overrides of one broker (they are set on all alike)
     * @param managedBefore   the dynamic keys keks set in earlier changes
     * @param running         the static config the brokers run with (server.properties at their start)
     */
    public static DynamicConfigPlan of(Map<String, String> desired, Map<String, String> liveDefaults,
                                       Map<String, String> livePerBroker, Set<String> managedBefore,
                                       Map<String, String> running, ConfigModes modes) {
        Map<String, String> clusterWide = new TreeMap<>();
        Map<String, String> perBroker = new TreeMap<>();
        Set<String> managed = new TreeSet<>();
        desired.forEach((key, value) -> {
            switch (modes.mode(key)) {
                case CLUSTER_WIDE -> {
                    managed.add(key);
                    if (needsSet(value, liveDefaults.get(key), running.get(key), managedBefore.contains(key))) {
                        clusterWide.put(key, value);
                    }
                }
                case PER_BROKER -> {
                    managed.add(key);
                    if (needsSet(value, livePerBroker.get(key), running.get(key), managedBefore.contains(key))) {
                        perBroker.put(key, value);
                    }
                }
                case READ_ONLY -> {
                    // changes with the node's server.properties: see restartKeys
                }
            }
        });
        Set<String> delete = new TreeSet<>();
        for (String key : managedBefore) {
            if (!desired.containsKey(key) && (liveDefaults.containsKey(key) || livePerBroker.containsKey(key))) {
                delete.add(key);
            }
        }
        return new DynamicConfigPlan(clusterWide, perBroker, delete, managed);
    }

    /**
     * Entries a node reads only to find its way at start, and needs no restart for: the controllers to ask for the
     * metadata quorum (once a node found it, Kafka keeps it up to date with the voters; the file it restarts with
     * next has the new list).
     */
    public static final String QUORUM_BOOTSTRAP = "controller.quorum.bootstrap.servers";
    public static final Set<String> READ_AT_START_ONLY = Set.of(QUORUM_BOOTSTRAP);

    /**
     * The keys that make a node need a restart: read-only entries that differ between the static
     * config it runs with and the one it would start with now, added and removed ones included.
     * Dynamic entries never do; they are changed live. Nor do {@link #READ_AT_START_ONLY} ones.
     */
    public static Set<String> restartKeys(Map<String, String> running, Map<String, String> wanted, ConfigModes modes) {
        Set<String> keys = new TreeSet<>(running.keySet());
        keys.addAll(wanted.keySet());
        keys.removeIf(k -> modes.dynamic(k) || READ_AT_START_ONLY.contains(k) || Objects.equals(running.get(k), wanted.get(k)));
        return keys;
    }

    /**
     * Whether a live value must be set: it differs from the live override, unless there is no override
     * and the node already runs with this value from its server.properties (a key keks never set).
     */
    private static boolean needsSet(String value, String live, String running, boolean managedBefore) {
        if (value.equals(live)) {
            return false;
        }
        return live != null || managedBefore || !value.equals(running);
    }

    public boolean liveChanges() {
        return !clusterWide.isEmpty() || !perBroker.isEmpty() || !delete.isEmpty();
    }
}
