package io.keks.operator;

import io.keks.engine.config.KafkaConfigDefinitions;
import io.keks.model.KafkaConfigRules;
import io.keks.model.KafkaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * The config rules the operator checks manifests against: the definitions of the Kafka version whose jars it carries,
 * for a cluster of that version. A cluster of another version is checked by everything else, not by these: a newer
 * Kafka may take keys and values the operator's Kafka does not know, and a refusal that Kafka would not make is worse
 * than one left to Kafka.
 */
final class OperatorConfigRules {
    private static final String OWN_VERSION = ownVersion();
    private static volatile KafkaConfigRules own;

    private OperatorConfigRules() {
    }

    /** The version of the Kafka jars on the operator's class path, as kafka-clients records it. */
    private static String ownVersion() {
        try (InputStream in = Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static KafkaConfigRules of(KafkaVersion version) {
        if (!version.toString().equals(OWN_VERSION)) {
            return KafkaConfigRules.NONE;
        }
        KafkaConfigRules rules = own;
        if (rules == null) {
            try {
                rules = KafkaConfigDefinitions.load(OperatorConfigRules.class.getClassLoader());
            } catch (ReflectiveOperationException | LinkageError e) {
                rules = KafkaConfigRules.NONE;
            }
            own = rules;
        }
        return rules;
    }
}
