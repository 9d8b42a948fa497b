package io.keks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The structural schemas of the CRDs the build generated (crds/target/crds). A real API server prunes
 * every field of a custom resource its schema does not declare: {@link #undeclared} lists those of an
 * object, so a test can show that what keks prints as a resource would survive the trip.
 */
final class CrdSchemas {
    private static final Path DIR = Path.of(System.getProperty("keks.install.dir", ".."), "crds", "target", "crds");
    private final Map<String, JsonNode> byKindAndVersion = new java.util.HashMap<>();

    CrdSchemas() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                JsonNode crd = yaml.readTree(f.toFile());
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode v : crd.path("spec").path("versions")) {
                    byKindAndVersion.put(group + "/" + v.path("name").asText() + " " + kind, v.path("schema").path("openAPIV3Schema"));
                }
            }
        }
        if (byKindAndVersion.isEmpty()) {
            throw new IllegalStateException("no CRDs in " + DIR + "; build the crds module first");
        }
    }

    /** The JSON paths of {@code resource} its CRD's schema does not declare; empty when all would be kept. */
    List<String> undeclared(JsonNode resource) {
        String key = resource.path("apiVersion").asText() + " " + resource.path("kind").asText();
        JsonNode schema = byKindAndVersion.get(key);
        if (schema == null) {
            return List.of("(no CRD serves " + key + ")");
        }
        List<String> out = new ArrayList<>();
        walk(resource, schema, "", out);
        return out;
    }

    private static void walk(JsonNode value, JsonNode schema, String path, List<String> out) {
        // metadata is the API server's own (its schema in a CRD is just "object"); the rest is pruned as declared
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) || path.equals(".metadata")) {
            return;
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                String p = path + "." + e.getKey();
                if (props.has(e.getKey())) {
                    walk(e.getValue(), props.get(e.getKey()), p, out);
                } else if (additional.isObject()) {
                    walk(e.getValue(), additional, p, out);
                } else {
                    out.add(p);
                }
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                walk(value.get(i), schema.path("items"), path + "[" + i + "]", out);
            }
        }
    }
}
