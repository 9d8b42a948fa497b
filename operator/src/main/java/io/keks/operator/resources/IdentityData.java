package io.keks.operator.resources;

import io.keks.engine.ClusterMemory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A cluster's {@link ClusterMemory} as its identity ConfigMap ({@code NAME-kafka-identity}) holds it, one
 * key per field, plus the resources as last applied ({@link #APPLIED}). Reads the maps an earlier
 * operator wrote too: their nodes and the newest Kafka that formatted one were kept apart.
 */
public final class IdentityData {
    /** "true" when the internal listeners run mutual TLS whatever the security asked for. */
    public static final String INTERNAL_TLS = "internal-tls";
    /** The Kafka and its pools as last applied, as YAML. */
    public static final String APPLIED = "applied";
    static final String CLUSTER_ID = "cluster-id";
    static final String DIRECTORY_ID = "directory-id.";
    static final String INITIAL_CONTROLLERS = "initial-controllers";
    /** Each node that has had a pod, with the Kafka version that formatted its storage: {@code 0=4.4.0,1=4.4.0}. */
    static final String FORMATTED = "formatted";
    static final String MANAGED_CONFIG = "managed-config";
    /** Written by earlier operators instead of {@link #FORMATTED}: the nodes, and the newest Kafka that formatted one. */
    private static final String OLD_NODES = "nodes";
    private static final String OLD_FORMATTED_BY = "formatted-by";

    private IdentityData() {
    }

    public static Map<String, String> of(ClusterMemory m) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CLUSTER_ID, m.clusterId());
        m.directoryIds().forEach((node, dir) -> data.put(DIRECTORY_ID + node, dir));
        data.put(INITIAL_CONTROLLERS, join(m.initialControllers().stream().map(String::valueOf).toList()));
        data.put(INTERNAL_TLS, String.valueOf(m.internalTls()));
        data.put(FORMATTED, join(m.formatted().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        data.put(MANAGED_CONFIG, join(List.copyOf(m.managedConfig())));
        return data;
    }

    public static ClusterMemory read(Map<String, String> data) {
        Map<Integer, String> dirs = new TreeMap<>();
        data.forEach((k, v) -> {
            if (k.startsWith(DIRECTORY_ID)) {
                dirs.put(Integer.parseInt(k.substring(DIRECTORY_ID.length())), v);
            }
        });
        Map<Integer, String> formatted = new TreeMap<>();
        if (data.containsKey(FORMATTED)) {
            split(data.get(FORMATTED)).forEach(e -> formatted.put(Integer.valueOf(e.substring(0, e.indexOf('='))),
                    e.substring(e.indexOf('=') + 1)));
        } else {
            split(data.getOrDefault(OLD_NODES, "")).forEach(n -> formatted.put(Integer.valueOf(n), data.getOrDefault(OLD_FORMATTED_BY, "")));
        }
        Set<Integer> initial = split(data.getOrDefault(INITIAL_CONTROLLERS, "")).stream().map(Integer::valueOf)
                .collect(Collectors.toCollection(TreeSet::new));
        return new ClusterMemory(data.get(CLUSTER_ID), dirs, initial, formatted,
                new TreeSet<>(split(data.getOrDefault(MANAGED_CONFIG, ""))), "true".equals(data.get(INTERNAL_TLS)));
    }

    private static String join(List<String> values) {
        return String.join(",", values);
    }

    private static List<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
