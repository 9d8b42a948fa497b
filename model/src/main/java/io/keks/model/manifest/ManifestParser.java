package io.keks.model.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Turns the text of a manifest file into Strimzi custom resources. Pure; one bad document is
 * reported and skipped without affecting the others.
 */
public final class ManifestParser {
    public static final String GROUP = "kafka.strimzi.io";
    static final Set<String> VERSIONS = Set.of(GROUP + "/v1beta2", GROUP + "/v1");
    private static final Set<String> KINDS = Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaRebalance");
    private static final Set<String> LATER_KINDS = Set.of("KafkaConnect",
            "KafkaConnector", "KafkaMirrorMaker2", "KafkaBridge");

    private static final int PARALLEL_FROM_DOCUMENTS = 500;

    private ManifestParser() {
    }

    public static Manifests parse(String source, String text) {
        YamlParser.Result yaml = YamlParser.parse(source, text);
        Manifests out = of(yaml.documents());
        out.problems().addAll(0, yaml.problems());
        if (yaml.documents().isEmpty() && yaml.problems().isEmpty()) {
            out.problems().add(Problem.warning(source, 0, "", "holds no YAML document (it is empty, or only '---' lines and"
                    + " comments), so nothing in it is applied"));
        }
        return out;
    }

    /** The resources of documents already read (a stored form other than YAML text), as {@link #parse} would give them. */
    public static Manifests of(List<YamlDocument> documents) {
        if (documents.size() < PARALLEL_FROM_DOCUMENTS) {
            Manifests out = Manifests.empty();
            documents.forEach(doc -> read(doc, out));
            return out;
        }
        // thousands of KafkaTopics: bound on every processor, in slices kept in document order
        int slice = Math.max(1, documents.size() / (4 * Runtime.getRuntime().availableProcessors()));
        List<Manifests> parts = IntStream.range(0, (documents.size() + slice - 1) / slice).parallel()
                .mapToObj(i -> {
                    Manifests part = Manifests.empty();
                    documents.subList(i * slice, Math.min(documents.size(), (i + 1) * slice)).forEach(doc -> read(doc, part));
                    return part;
                }).toList();
        Manifests out = Manifests.empty();
        parts.forEach(out::add);
        return out;
    }

    private static void read(YamlDocument doc, Manifests out) {
        List<Problem> problems = out.problems();
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            problems.add(doc.error("", "a manifest document must be a mapping with apiVersion, kind, metadata and spec"));
            return;
        }
        String apiVersion = text(tree, "apiVersion");
        String kind = text(tree, "kind");
        if (apiVersion == null || kind == null) {
            problems.add(doc.error(apiVersion == null ? "/apiVersion" : "/kind",
                    (apiVersion == null ? "apiVersion" : "kind") + " is missing; every document needs apiVersion and kind"));
            return;
        }
        if (apiVersion.equals("v1") && kind.equals("List")) {
            // kubectl get -o yaml prints a List: its items are the documents
            JsonNode items = tree.path("items");
            for (int i = 0; i < items.size(); i++) {
                read(item(doc, i), out);
            }
            return;
        }
        if (apiVersion.equals("v1") && (kind.equals("ConfigMap") || kind.equals("Secret"))) {
            // a Kafka's metricsConfig names a ConfigMap, a KafkaUser's given password a Secret: locally they
            // come with the manifests, as on Kubernetes they sit beside them
            if (!tree.path("metadata").path("name").isTextual()) {
                problems.add(doc.error("/metadata/name", "metadata.name is missing; every resource needs a name"));
            } else if (kind.equals("ConfigMap")) {
                StrictBinder.bind(doc, tree, "", ConfigMap.class, problems).ifPresent(c -> out.configMaps().add(new Sourced<>(c, doc)));
            } else {
                StrictBinder.bind(doc, tree, "", Secret.class, problems).ifPresent(c -> out.secrets().add(new Sourced<>(c, doc)));
            }
            return;
        }
        if (!apiVersion.startsWith(GROUP + "/") && KINDS.contains(kind)) {
            String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : "v1beta2";
            problems.add(doc.error("/apiVersion", "\"" + apiVersion + "\" is not the API of Strimzi's " + kind + "; did you mean "
                    + GROUP + "/" + (VERSIONS.contains(GROUP + "/" + version) ? version : "v1beta2") + "?"));
            return;
        }
        if (!apiVersion.startsWith(GROUP + "/")) {
            problems.add(doc.warning("/kind", kind + " (" + apiVersion + ") is not a kafka.strimzi.io resource;"
                    + " keks does not support it yet, so this document is skipped"));
            return;
        }
        if (!VERSIONS.contains(apiVersion)) {
            problems.add(doc.error("/apiVersion", "\"" + apiVersion + "\" is not supported; use "
                    + GROUP + "/v1beta2 or " + GROUP + "/v1"));
            return;
        }
        if (!tree.path("metadata").path("name").isTextual()) {
            problems.add(doc.error("/metadata/name", "metadata.name is missing; every resource needs a name"));
            return;
        }
        switch (kind) {
            case "Kafka" -> StrictBinder.bind(doc, tree, "", Kafka.class, problems)
                    .ifPresent(k -> out.kafkas().add(new Sourced<>(k, doc)));
            case "KafkaNodePool" -> StrictBinder.bind(doc, tree, "", KafkaNodePool.class, problems)
                    .ifPresent(p -> out.nodePools().add(new Sourced<>(p, doc)));
            case "KafkaTopic" -> StrictBinder.bind(doc, tree, "", BoundKafkaTopic.class, problems)
                    .ifPresent(t -> out.topics().add(new Sourced<>(t, doc)));
            case "KafkaUser" -> StrictBinder.bind(doc, tree, "", KafkaUser.class, problems)
                    .ifPresent(u -> out.users().add(new Sourced<>(u, doc)));
            case "KafkaRebalance" -> StrictBinder.bind(doc, tree, "", KafkaRebalance.class, problems)
                    .ifPresent(r -> out.rebalances().add(new Sourced<>(r, doc)));
            default -> problems.add(LATER_KINDS.contains(kind)
                    ? doc.warning("/kind", kind + " is not supported yet; this document is skipped")
                    : doc.error("/kind", "unknown kind \"" + kind + "\" in " + GROUP
                            + "; use Kafka, KafkaNodePool, KafkaTopic, KafkaUser or KafkaRebalance"));
        }
    }

    /** Item {@code i} of a List document as a document of its own, its lines kept. */
    private static YamlDocument item(YamlDocument list, int i) {
        String prefix = "/items/" + i;
        Map<String, Integer> lines = new HashMap<>();
        list.lineByPointer().forEach((pointer, line) -> {
            if (pointer.equals(prefix) || pointer.startsWith(prefix + "/")) {
                lines.put(pointer.substring(prefix.length()), line);
            }
        });
        return new YamlDocument(list.source(), list.index(), list.lineOf(prefix), list.tree().path("items").get(i), Map.copyOf(lines));
    }

    private static String text(JsonNode tree, String field) {
        JsonNode n = tree.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
