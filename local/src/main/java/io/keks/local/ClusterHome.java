package io.keks.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where keks keeps its state: {@code ~/.keks}, or {@code $KEKS_HOME}.
 * <pre>
 *   kafka/VERSION/               Kafka jars fetched for versions keks does not bundle
 *   cache/cds/                   class-data-sharing archives that make nodes start faster
 *   clusters/NAME/state.json     cluster id, ports, node ids, formatted nodes
 *   clusters/NAME/manifests/     the manifests last applied (the source of truth)
 *   clusters/NAME/ca/            cluster CA, trust store, store passwords (owner-only)
 *   clusters/NAME/nodes/ID/      server.properties, kafka.log, pid, data-VOLUME/
 *   clusters/NAME/client.properties, clients/LISTENER.properties   Kafka client settings per listener
 *   clusters/NAME/supervisor.*   pid and log of the process that keeps nodes running
 * </pre>
 */
public record ClusterHome(Path root) {

    /** KEKS_HOME, or the keks.home system property (which wins; tests and child processes use it). */
    public static ClusterHome fromEnvironment() {
        String env = System.getProperty("keks.home", System.getenv("KEKS_HOME"));
        return new ClusterHome(env != null && !env.isBlank() ? Path.of(env).toAbsolutePath()
                : Path.of(System.getProperty("user.home"), ".keks"));
    }

    public Path kafkaCache() {
        return root.resolve("kafka");
    }

    public Path cdsCache() {
        return root.resolve("cache").resolve("cds");
    }

    public Path clusters() {
        return root.resolve("clusters");
    }

    public Path cluster(String name) {
        return clusters().resolve(name);
    }

    /** Names of the clusters that have state here. */
    public List<String> clusterNames() throws IOException {
        if (!Files.isDirectory(clusters())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(clusters())) {
            return s.filter(p -> Files.exists(p.resolve("state.json"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The one cluster here, if there is exactly one. */
    public Optional<String> onlyCluster() throws IOException {
        List<String> names = clusterNames();
        return names.size() == 1 ? Optional.of(names.get(0)) : Optional.empty();
    }

    /** Writes a file only its owner can read (passwords, keys). */
    public static void writePrivate(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
