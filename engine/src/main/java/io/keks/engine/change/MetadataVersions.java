package io.keks.engine.change;

import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * How one Kafka version names metadata.version feature levels (4.4-IV2 is level 33 in Kafka 4.4.0),
 * read by the runtime from that version's own {@code MetadataVersion} table, and the newest level it
 * supports for production. keks keeps no table of its own.
 *
 * @param levels            level per name, such as 4.4-IV2
 * @param latestProduction  the newest level this Kafka version runs without unstable features
 */
public record MetadataVersions(String kafkaVersion, Map<String, Integer> levels, int latestProduction) {

    public MetadataVersions {
        levels = Map.copyOf(levels);
    }

    /**
     * The level of {@code name}: an exact name (4.4-IV2), or a release (4.4), which means its newest
     * level, as Kafka reads it. Empty when this Kafka version does not know it.
     */
    public OptionalInt level(String name) {
        Integer exact = levels.get(name);
        if (exact != null) {
            return OptionalInt.of(exact);
        }
        return levels.entrySet().stream().filter(e -> e.getKey().startsWith(name + "-IV"))
                .mapToInt(Map.Entry::getValue).max();
    }

    /** The name of a level, or "level N" when this Kafka version has none for it. */
    public String name(int level) {
        return new TreeMap<>(levels).entrySet().stream().filter(e -> e.getValue() == level).map(Map.Entry::getKey)
                .findFirst().orElse("level " + level);
    }

    /** A level for people: "4.4-IV2 (level 33)", or "level 33" when this Kafka version has no name for it. */
    public String describe(int level) {
        String name = name(level);
        return name.startsWith("level ") ? name : name + " (level " + level + ")";
    }
}
