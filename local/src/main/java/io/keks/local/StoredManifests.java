package io.keks.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.keks.model.manifest.YamlDocument;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manifests a local cluster was last given: the Kafka, each node pool, KafkaUser, ConfigMap and Secret
 * (readable by its owner only) in a file of their own
 * ({@code Kind-name.yaml}), so a later {@code apply} replaces a resource by kind and name and leaves
 * the others as they were; the KafkaTopics all in one JSON file ({@value #TOPICS}), since 10,000 of
 * them as files of their own took four seconds to write and more to read back.
 */
final class StoredManifests {
    static final String TOPICS = "kafkatopics.json";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // a string that looks like a number ("113", a resourceVersion) must read back as a string
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredManifests() {
    }

    static Path dir(Path clusterDir) {
        return clusterDir.resolve("manifests");
    }

    static Manifests read(Path clusterDir) {
        Path dir = dir(clusterDir);
        Manifests all = ManifestFiles.read(List.of(dir));
        if (all.hasErrors()) {
            // refused here: merged with other manifests, a stored pool that cannot be read would just be missing
            List<Problem> problems = new ArrayList<>(all.problems().stream().filter(Problem::isError).toList());
            problems.add(Problem.error(dir.toString(), 0, "", "these are the manifests keks last applied to cluster "
                    + clusterDir.getFileName() + ", read at every start and change: fix the file named above, or restore it from a"
                    + " backup; nothing was changed"));
            throw new ManifestException(problems);
        }
        Path topics = dir.resolve(TOPICS);
        if (!Files.exists(topics)) {
            return all;
        }
        try {
            JsonNode stored = JSON.readTree(topics.toFile());
            List<YamlDocument> docs = new ArrayList<>();
            for (JsonNode entry : stored) {
                docs.add(new YamlDocument(entry.path("source").asText(topics.toString()), docs.size(), entry.path("line").asInt(0),
                        entry.path("resource"), Map.of()));
            }
            Manifests fromJson = ManifestParser.of(docs);
            // per-topic files an earlier keks wrote are folded into the JSON file, then deleted: one left
            // behind by an interrupted apply is the same KafkaTopic, which the JSON file holds
            Set<String> inJson = new HashSet<>();
            fromJson.topics().forEach(t -> inJson.add(t.resource().getMetadata().getName()));
            all.topics().removeIf(t -> inJson.contains(t.resource().getMetadata().getName()));
            all.add(fromJson);
            return all;
        } catch (IOException e) {
            all.problems().add(Problem.error(topics.toString(), 0, "", "cannot read the stored KafkaTopics: " + e.getMessage()
                    + "; apply the KafkaTopic manifests again"));
            return all;
        }
    }

    /** Forgets one stored KafkaUser. */
    static void deleteUser(Path clusterDir, String name) throws IOException {
        Files.deleteIfExists(dir(clusterDir).resolve("KafkaUser-" + name + ".yaml"));
    }

    /** Forgets one stored KafkaTopic. */
    static void deleteTopic(Path clusterDir, Collection<Sourced<KafkaTopic>> stored, String name) throws IOException {
        writeTopics(dir(clusterDir), stored.stream().filter(s -> !s.resource().getMetadata().getName().equals(name)).toList());
    }

    /**
     * Stores the Kafka and node pools of {@code incoming}, replacing stored ones of the same kind and
     * name, and {@code topics} as the cluster's KafkaTopics (those applied before and these).
     */
    static void store(Path clusterDir, Manifests incoming, Collection<Sourced<KafkaTopic>> topics) throws IOException {
        Path dir = dir(clusterDir);
        Files.createDirectories(dir);
        List<Sourced<?>> own = new ArrayList<>();
        own.addAll(incoming.kafkas());
        own.addAll(incoming.nodePools());
        own.addAll(incoming.configMaps());
        own.addAll(incoming.users());
        own.addAll(incoming.rebalances());
        for (Sourced<?> s : own) {
            JsonNode tree = s.document().tree();
            String file = tree.path("kind").asText() + "-" + tree.path("metadata").path("name").asText() + ".yaml";
            atomically(dir.resolve(file), "# applied from " + s.document().source() + "\n" + YAML.writeValueAsString(tree));
        }
        // a Secret holds passwords: readable by its owner only, like the keys under ca/
        for (Sourced<?> s : incoming.secrets()) {
            JsonNode tree = s.document().tree();
            ClusterHome.writePrivate(dir.resolve("Secret-" + tree.path("metadata").path("name").asText() + ".yaml"),
                    ("# applied from " + s.document().source() + "\n" + YAML.writeValueAsString(tree)).getBytes(StandardCharsets.UTF_8));
        }
        writeTopics(dir, topics);
        // KafkaTopics stored one file each by earlier keks versions are in `topics` now
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "KafkaTopic-*.yaml")) {
            for (Path f : old) {
                Files.delete(f);
            }
        }
    }

    /** Forgets the stored resource {@code kind}/{@code name} (a KafkaNodePool deleted). */
    static void delete(Path clusterDir, String kind, String name) throws IOException {
        Files.deleteIfExists(dir(clusterDir).resolve(kind + "-" + name + ".yaml"));
    }

    private static void writeTopics(Path dir, Collection<Sourced<KafkaTopic>> topics) throws IOException {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Sourced<KafkaTopic> t : topics) {
            ObjectNode entry = out.addObject();
            entry.put("source", t.document().source());
            entry.put("line", t.document().startLine());
            entry.set("resource", t.document().tree());
        }
        atomically(dir.resolve(TOPICS), JSON.writeValueAsString(out));
    }

    private static void atomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
