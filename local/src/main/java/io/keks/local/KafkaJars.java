package io.keks.local;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A class loader over one Kafka version's jars, isolated from keks' own classes (which may differ). */
final class KafkaJars {
    private KafkaJars() {
    }

    static URLClassLoader loader(Path libDir) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(libDir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return new URLClassLoader("kafka-" + libDir.getFileName(), urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
