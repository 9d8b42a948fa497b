package io.keks.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Sourced;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifests a local cluster was last given, one file per resource ({@code Kind-name.yaml}) so a
 * later {@code apply} replaces a resource by kind and name and leaves the others as they were.
 */
final class StoredManifests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // a string that looks like a number ("113", a resourceVersion) must read back as a string
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private StoredManifests() {
    }

    static Path dir(Path clusterDir) {
        return clusterDir.resolve("manifests");
    }

    static Manifests read(Path clusterDir) {
        return ManifestFiles.read(List.of(dir(clusterDir)));
    }

    /** Forgets one stored resource. */
    static void delete(Path clusterDir, String kind, String name) throws IOException {
        Files.deleteIfExists(dir(clusterDir).resolve(kind + "-" + name + ".yaml"));
    }

    /** Stores every resource of {@code manifests}, replacing stored ones of the same kind and name. */
    static void store(Path clusterDir, Manifests manifests) throws IOException {
        Path dir = dir(clusterDir);
        Files.createDirectories(dir);
        List<Sourced<?>> all = new ArrayList<>();
        all.addAll(manifests.kafkas());
        all.addAll(manifests.nodePools());
        all.addAll(manifests.topics());
        for (Sourced<?> s : all) {
            JsonNode tree = s.document().tree();
            String file = tree.path("kind").asText() + "-" + tree.path("metadata").path("name").asText() + ".yaml";
            Path tmp = dir.resolve(file + ".tmp");
            Files.writeString(tmp, "# applied from " + s.document().source() + "\n" + YAML.writeValueAsString(tree));
            Files.move(tmp, dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
