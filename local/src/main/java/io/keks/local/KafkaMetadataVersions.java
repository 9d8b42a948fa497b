package io.keks.local;

import io.keks.engine.change.MetadataVersions;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads {@link MetadataVersions} from the {@code MetadataVersion} enum in the jars of a Kafka version. */
final class KafkaMetadataVersions {
    private KafkaMetadataVersions() {
    }

    static MetadataVersions load(Path libDir, String kafkaVersion) throws IOException {
        try (URLClassLoader loader = KafkaJars.loader(libDir)) {
            Class<?> type = loader.loadClass("org.apache.kafka.server.common.MetadataVersion");
            Map<String, Integer> levels = new HashMap<>();
            for (Object v : (Object[]) type.getMethod("values").invoke(null)) {
                levels.put((String) type.getMethod("version").invoke(v), ((Number) type.getMethod("featureLevel").invoke(v)).intValue());
            }
            Object latest = type.getMethod("latestProduction").invoke(null);
            return new MetadataVersions(kafkaVersion, levels, ((Number) type.getMethod("featureLevel").invoke(latest)).intValue());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IOException("cannot read the metadata versions of Kafka " + kafkaVersion + " from its jars in " + libDir, e);
        }
    }
}
