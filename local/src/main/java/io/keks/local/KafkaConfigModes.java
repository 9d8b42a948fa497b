package io.keks.local;

import io.keks.engine.config.ConfigModes;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;

/** Reads {@link ConfigModes} from the config definitions in the jars of the Kafka version that runs. */
final class KafkaConfigModes {
    private KafkaConfigModes() {
    }

    @SuppressWarnings("unchecked")
    static ConfigModes load(Path libDir, String kafkaVersion) throws IOException {
        try (URLClassLoader loader = KafkaJars.loader(libDir)) {
            Object modes;
            try {
                // Kafka 4.x: a Java class in kafka-server
                modes = loader.loadClass("org.apache.kafka.server.config.DynamicBrokerConfig")
                        .getMethod("dynamicConfigUpdateModes").invoke(null);
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                // Kafka 3.x: the Scala object in core
                Class<?> object = loader.loadClass("kafka.server.DynamicBrokerConfig$");
                modes = object.getMethod("dynamicConfigUpdateModes").invoke(object.getField("MODULE$").get(null));
            }
            return ConfigModes.fromUpdateModes(kafkaVersion, (Map<String, String>) modes);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot read which configs Kafka " + kafkaVersion + " changes live from its jars in " + libDir, e);
        }
    }
}
