package io.keks.model;

import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.keks.model.manifest.Spelling;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** Turns the {@code config} maps of manifests into the strings Kafka reads. */
final class ConfigValues {
    private ConfigValues() {
    }

    static Map<String, String> strings(Map<String, Object> config, Sourced<?> source, String pointer,
                                       List<Problem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (config == null) {
            return out;
        }
        config.forEach((key, value) -> {
            if (value instanceof String || value instanceof Boolean) {
                out.put(key, value.toString());
            } else if (value instanceof Number n) {
                out.put(key, n instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : n.toString());
            } else {
                problems.add(source.error(pointer + "/" + key, "a config value must be a string, number or boolean, not "
                        + (value instanceof Map ? "a mapping" : value instanceof List ? "a list" : "null")));
            }
        });
        return out;
    }

    /**
     * Each entry against the Kafka version's config definitions: a value Kafka would refuse is an error. A key Kafka
     * does not define is an error for a topic (Kafka refuses the topic) and a warning for a broker (a plugin may read
     * it; per-listener copies are read by prefix), each with the nearest key Kafka has.
     */
    static void check(Map<String, String> config, KafkaConfigRules rules, KafkaConfigRules.Scope scope, KafkaVersion version,
                      Sourced<?> source, String pointer, List<Problem> problems) {
        if (!rules.known()) {
            return;
        }
        Set<String> keys = rules.keys(scope);
        config.forEach((key, value) -> {
            String at = pointer + "/" + key;
            if (keys.contains(key)) {
                rules.refusal(scope, key, value).ifPresent(why -> problems.add(source.error(at, "Kafka " + version + " refuses \""
                        + value + "\": " + why + "; set a value it takes")));
            } else if (scope == KafkaConfigRules.Scope.TOPIC) {
                problems.add(source.error(at, "Kafka " + version + " has no topic config " + key + nearest(key, keys)
                        + " and refuses a topic with a config it does not know; correct or remove it"));
            } else if (!key.startsWith("listener.name.")) {
                problems.add(source.warning(at, "Kafka " + version + " has no broker config " + key + nearest(key, keys)
                        + "; it is passed on as written, for a plugin that reads it"));
            }
        });
    }

    /** " (did you mean K?)" for the key nearest {@code key} by edits, when one is near enough to be a slip. */
    static String nearest(String key, Set<String> keys) {
        return Spelling.nearest(key, keys, Math.max(2, key.length() / 6)).map(k -> " (did you mean " + k + "?)").orElse("");
    }

    static OptionalInt integer(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
