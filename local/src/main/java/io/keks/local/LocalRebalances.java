package io.keks.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.model.DesiredRebalance;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a local cluster keeps its KafkaRebalances: each one's state in {@code rebalances/NAME.json} (what its
 * status would say on Kubernetes, with the proposal), its annotations in its stored manifest, as
 * {@code kubectl annotate} changes them on Kubernetes.
 */
public final class LocalRebalances implements RebalanceReconciler.Store {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private final Path clusterDir;

    public LocalRebalances(Path clusterDir) {
        this.clusterDir = clusterDir;
    }

    /**
     * A lock on {@code rebalances/.lock}: the operating system lets it go when the process ends, however it ends,
     * so a rebalance killed in the middle is taken on by the next keks command. Another thread of this process
     * holding it counts as held too.
     */
    @Override
    public Optional<AutoCloseable> exclusive() throws IOException {
        Path lock = clusterDir.resolve("rebalances").resolve(".lock");
        Files.createDirectories(lock.getParent());
        FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock held = channel.tryLock();
            if (held != null) {
                return Optional.of(channel::close);
            }
        } catch (OverlappingFileLockException e) {
            // this process holds it, in another thread
        }
        channel.close();
        return Optional.empty();
    }

    /** Every stored rebalance state, by name; none when they cannot be read (the dashboard then shows none). */
    public static Map<String, RebalanceState> allOrNone(Path clusterDir) {
        try {
            return all(clusterDir);
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** Every stored rebalance state, by name. */
    public static Map<String, RebalanceState> all(Path clusterDir) throws IOException {
        Map<String, RebalanceState> out = new TreeMap<>();
        Path dir = clusterDir.resolve("rebalances");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.json$", "");
                JsonFiles.read(f, RebalanceState.class).ifPresent(s -> out.put(name, s));
            }
        }
        return out;
    }

    static Path file(Path clusterDir, String name) {
        return clusterDir.resolve("rebalances").resolve(name + ".json");
    }

    private Path manifest(String name) {
        return StoredManifests.dir(clusterDir).resolve("KafkaRebalance-" + name + ".yaml");
    }

    @Override
    public Optional<RebalanceState> load(String name) {
        return JsonFiles.read(file(clusterDir, name), RebalanceState.class);
    }

    @Override
    public void save(String name, RebalanceState state) throws IOException {
        JsonFiles.write(file(clusterDir, name), state);
    }

    @Override
    public String annotation(String name) throws IOException {
        Path f = manifest(name);
        if (!Files.exists(f)) {
            return "";
        }
        return YAML.readTree(f.toFile()).path("metadata").path("annotations").path(DesiredRebalance.ANNOTATION).asText("");
    }

    @Override
    public void removeAnnotation(String name) throws IOException {
        annotate(name, DesiredRebalance.ANNOTATION, null);
    }

    /** Sets ({@code value} null: removes) an annotation of a stored KafkaRebalance, as {@code kubectl annotate} does. */
    public void annotate(String name, String key, String value) throws IOException {
        Path f = manifest(name);
        if (!Files.exists(f)) {
            return;
        }
        List<String> lines = Files.readAllLines(f);
        String header = !lines.isEmpty() && lines.get(0).startsWith("#") ? lines.get(0) + "\n" : "";
        JsonNode tree = YAML.readTree(f.toFile());
        ObjectNode metadata = (ObjectNode) tree.path("metadata");
        ObjectNode annotations = metadata.has("annotations") && metadata.get("annotations").isObject()
                ? (ObjectNode) metadata.get("annotations") : metadata.putObject("annotations");
        if (value == null) {
            annotations.remove(key);
        } else {
            annotations.put(key, value);
        }
        if (annotations.isEmpty()) {
            metadata.remove("annotations");
        }
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, header + YAML.writeValueAsString(tree));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Forgets a KafkaRebalance: its manifest and its state. */
    public void delete(String name) throws IOException {
        Files.deleteIfExists(manifest(name));
        Files.deleteIfExists(file(clusterDir, name));
    }
}
