package io.keks.engine.config;

import io.keks.model.KafkaConfigRules;
import org.apache.kafka.common.config.ConfigDef;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@link KafkaConfigRules} from a Kafka version's own config definitions, read through the class loader that holds
 * its jars: the broker's {@code ConfigDef} (kafka-server's {@code AbstractKafkaConfig.CONFIG_DEF}, or core's
 * {@code KafkaConfig.configDef()} before it) and the topic's ({@code LogConfig.configKeys()}). A value is parsed to
 * the key's type and passed to the key's validator, as Kafka does at start or at topic creation. Values of class
 * type are not checked: the class may be a plugin that only the brokers' class path holds.
 */
public final class KafkaConfigDefinitions implements KafkaConfigRules {
    private final Map<String, ?> broker;
    private final Map<String, ?> topic;
    private final Method parseType;
    private final Method ensureValid;
    private final Field typeField;
    private final Field validatorField;

    private KafkaConfigDefinitions(Map<String, ?> broker, Map<String, ?> topic, Method parseType, Method ensureValid, Field typeField,
                                   Field validatorField) {
        this.broker = broker;
        this.topic = topic;
        this.parseType = parseType;
        this.ensureValid = ensureValid;
        this.typeField = typeField;
        this.validatorField = validatorField;
    }

    private static final String OWN_VERSION = ownVersion();
    private static volatile Optional<KafkaConfigRules> own;

    /** The version of the Kafka jars on keks' own class path, as kafka-clients records it. */
    private static String ownVersion() {
        try (InputStream in = ConfigDef.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The definitions on keks' own class path (the CLI and the operator carry kafka-server and kafka-storage) when they
     * are of {@code version}: no jars to open, and classes that keks' start-up cache already holds.
     */
    public static Optional<KafkaConfigRules> own(String version) {
        if (!version.equals(OWN_VERSION)) {
            return Optional.empty();
        }
        Optional<KafkaConfigRules> rules = own;
        if (rules == null) {
            try {
                rules = Optional.of(load(KafkaConfigDefinitions.class.getClassLoader()));
            } catch (ReflectiveOperationException | LinkageError e) {
                rules = Optional.empty();
            }
            own = rules;
        }
        return rules;
    }

    /** The definitions of the Kafka whose jars {@code loader} holds. */
    public static KafkaConfigDefinitions load(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> configDef = loader.loadClass("org.apache.kafka.common.config.ConfigDef");
        Object brokerDef;
        try {
            brokerDef = loader.loadClass("org.apache.kafka.server.config.AbstractKafkaConfig").getField("CONFIG_DEF").get(null);
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            Class<?> scala = loader.loadClass("kafka.server.KafkaConfig$");
            brokerDef = scala.getMethod("configDef").invoke(scala.getField("MODULE$").get(null));
        }
        Map<String, ?> broker = (Map<String, ?>) configDef.getMethod("configKeys").invoke(brokerDef);
        Map<String, ?> topic = (Map<String, ?>) loader.loadClass("org.apache.kafka.storage.internals.log.LogConfig")
                .getMethod("configKeys").invoke(null);
        Class<?> type = loader.loadClass("org.apache.kafka.common.config.ConfigDef$Type");
        Class<?> key = loader.loadClass("org.apache.kafka.common.config.ConfigDef$ConfigKey");
        return new KafkaConfigDefinitions(Map.copyOf(broker), Map.copyOf(topic),
                configDef.getMethod("parseType", String.class, Object.class, type),
                loader.loadClass("org.apache.kafka.common.config.ConfigDef$Validator").getMethod("ensureValid", String.class, Object.class),
                key.getField("type"), key.getField("validator"));
    }

    private Map<String, ?> of(Scope scope) {
        return scope == Scope.BROKER ? broker : topic;
    }

    @Override
    public Set<String> keys(Scope scope) {
        return of(scope).keySet();
    }

    @Override
    public Optional<String> refusal(Scope scope, String key, String value) {
        Object definition = of(scope).get(key);
        if (definition == null) {
            return Optional.empty();
        }
        try {
            Object type = typeField.get(definition);
            if (type.toString().equals("CLASS")) {
                return Optional.empty();
            }
            Object parsed = parseType.invoke(null, key, value, type);
            Object validator = validatorField.get(definition);
            if (validator != null) {
                ensureValid.invoke(validator, key, parsed);
            }
            return Optional.empty();
        } catch (InvocationTargetException e) {
            return Optional.of(plain(key, e.getCause()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Kafka's definition of " + key, e);
        }
    }

    /** Kafka's message without its "Invalid value X for configuration K: " opening, which the caller already says. */
    private static String plain(String key, Throwable refused) {
        String message = String.valueOf(refused.getMessage());
        String marker = "for configuration " + key + ": ";
        int at = message.indexOf(marker);
        return at >= 0 ? message.substring(at + marker.length()) : message;
    }
}
