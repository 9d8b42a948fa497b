package io.keks.local;

import io.keks.engine.config.KafkaConfigDefinitions;
import io.keks.model.KafkaConfigRules;
import io.keks.model.KafkaVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The config rules of a Kafka version: keks' own copy of its definitions when keks carries that version's jars, or else
 * the definitions in the version's jars, fetched first when they are not here yet. What `keks up`, `apply` and
 * `render` check config values against before anything is written. The class loader stays open for the
 * process, since the definitions are its objects; each version is read once per process.
 */
public final class KafkaConfigRulesFromJars {
    private static final Map<Path, KafkaConfigRules> READ = new ConcurrentHashMap<>();

    private KafkaConfigRulesFromJars() {
    }

    /** Rules by version from {@code distributions}; a version that cannot be fetched throws with the reason. */
    public static Function<KafkaVersion, KafkaConfigRules> of(KafkaDistributions distributions) {
        return version -> {
            Optional<KafkaConfigRules> own = KafkaConfigDefinitions.own(version.toString());
            if (own.isPresent()) {
                return own.get();
            }
            Path libDir;
            try {
                libDir = distributions.libDir(version);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            return READ.computeIfAbsent(libDir, KafkaConfigRulesFromJars::read);
        };
    }

    private static KafkaConfigRules read(Path libDir) {
        try {
            @SuppressWarnings("resource") // open for the process: the rules are objects of its classes
            URLClassLoader loader = KafkaJars.loader(libDir);
            return KafkaConfigDefinitions.load(loader);
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            // keks checks less rather than refuse what Kafka itself may take
            return KafkaConfigRules.NONE;
        }
    }
}
