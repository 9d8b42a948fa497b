package io.keks.engine.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a running Kafka version lets each broker config change, from Kafka's own config definitions
 * ({@code DynamicBrokerConfig.dynamicConfigUpdateModes()}, the table behind Kafka's documentation):
 * live on one broker, live cluster-wide, or only through a restart. A key Kafka does not list is
 * read-only.
 */
public final class ConfigModes {
    public enum Mode {
        /** Changes live, but only per broker (listener and key store settings). */
        PER_BROKER,
        /** Changes live as a cluster-wide default or per broker. */
        CLUSTER_WIDE,
        /** Takes effect only when the node restarts. */
        READ_ONLY
    }

    private final String kafkaVersion;
    private final Map<String, Mode> modes;

    private ConfigModes(String kafkaVersion, Map<String, Mode> modes) {
        this.kafkaVersion = kafkaVersion;
        this.modes = modes;
    }

    /** From Kafka's table, whose values read "per-broker", "cluster-wide" or "read-only". */
    public static ConfigModes fromUpdateModes(String kafkaVersion, Map<String, String> updateModes) {
        Map<String, Mode> modes = new TreeMap<>();
        updateModes.forEach((key, mode) -> modes.put(key, switch (mode) {
            case "per-broker" -> Mode.PER_BROKER;
            case "cluster-wide" -> Mode.CLUSTER_WIDE;
            case "read-only" -> Mode.READ_ONLY;
            default -> throw new IllegalArgumentException("Kafka " + kafkaVersion + " lists config " + key
                    + " with update mode \"" + mode + "\", which keks does not know");
        }));
        return new ConfigModes(kafkaVersion, Map.copyOf(modes));
    }

    public Mode mode(String key) {
        Mode m = modes.get(key);
        if (m == null && key.startsWith("listener.name.")) {
            // listener.name.<listener>.<config>: the listener's own copy of a per-broker setting
            int dot = key.indexOf('.', "listener.name.".length());
            if (dot > 0 && modes.get(key.substring(dot + 1)) != null) {
                return Mode.PER_BROKER;
            }
        }
        return m == null ? Mode.READ_ONLY : m;
    }

    public boolean dynamic(String key) {
        return mode(key) != Mode.READ_ONLY;
    }

    public String kafkaVersion() {
        return kafkaVersion;
    }
}
