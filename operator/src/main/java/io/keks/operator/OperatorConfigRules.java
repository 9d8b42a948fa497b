package io.keks.operator;

import io.keks.engine.config.KafkaConfigDefinitions;
import io.keks.model.KafkaConfigRules;
import io.keks.model.KafkaVersion;

/**
 * The config rules the operator checks manifests against: the definitions of the Kafka version whose jars it carries,
 * for a cluster of that version. A cluster of another version is checked by everything else, not by these: a newer
 * Kafka may take keys and values the operator's Kafka does not know, and a refusal that Kafka would not make is worse
 * than one left to Kafka.
 */
final class OperatorConfigRules {
    private OperatorConfigRules() {
    }

    static KafkaConfigRules of(KafkaVersion version) {
        return KafkaConfigDefinitions.own(version.toString()).orElse(KafkaConfigRules.NONE);
    }
}
