package io.keks.model;

import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

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
