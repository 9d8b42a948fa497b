package io.keks.model;

import java.util.Optional;
import java.util.Set;

/**
 * What a Kafka version takes as broker and topic config values: that version's own config definitions (types,
 * ranges, valid values), asked one entry at a time, so a manifest's mistake is named at its line before anything is
 * written rather than by Kafka at start. {@link #NONE} knows no version and checks nothing.
 */
public interface KafkaConfigRules {
    /** Broker and controller configs ({@code spec.kafka.config}), or a topic's ({@code KafkaTopic spec.config}). */
    enum Scope { BROKER, TOPIC }

    /** The keys the version defines in {@code scope}; empty when nothing is known. */
    Set<String> keys(Scope scope);

    /** Why the version would refuse {@code value} for {@code key}, in its own words; empty when it takes it or does not define the key. */
    Optional<String> refusal(Scope scope, String key, String value);

    /** Whether these rules know a version at all. */
    default boolean known() {
        return !keys(Scope.BROKER).isEmpty();
    }

    KafkaConfigRules NONE = new KafkaConfigRules() {
        @Override
        public Set<String> keys(Scope scope) {
            return Set.of();
        }

        @Override
        public Optional<String> refusal(Scope scope, String key, String value) {
            return Optional.empty();
        }
    };
}
