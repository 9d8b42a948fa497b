package io.keks.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a real API server does with a custom resource and the mock server does not: every write of a
 * kafka.strimzi.io object (create, replace, patch, of the object or its status) is read against the
 * structural schema of the CRD the build generates, as the API server reads it. A field the schema
 * does not declare would be pruned (the write succeeds and the field is gone), so a status field keks
 * relies on would silently vanish; a value of the wrong type, outside an enum or a pattern, or a
 * missing required field would be refused with 422.
 *
 * <p>Use it on a mock-server test class as the client's customizer, and as an extension so a test
 * fails with what was found:
 * {@code @EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)}
 * {@code @ExtendWith(ApiServerRules.class)}. Refused writes fail at once with a 422, as they would;
 * pruned fields are collected and fail the test when it ends.
 *
 * <p>It also answers a stale write with 409 Conflict where the mock server does not: a replace or
 * patch of any object's status carrying a resourceVersion that is no longer the object's (the mock
 * server checks it on the object itself, and takes a status write whatever it carries).
 *
 * <p>Not modelled: oneOf/anyOf/allOf and CEL rules (the generated CRDs use neither for what the
 * operator writes), formats, and defaulting.
 */
public class ApiServerRules implements Consumer<KubernetesClientBuilder>, BeforeEachCallback, AfterEachCallback {
    static final Path CRDS = Path.of(System.getProperty("keks.crds.dir", "../crds/target/crds"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CUSTOM_RESOURCE_PATH =
            Pattern.compile("/apis/(kafka\\.strimzi\\.io)/([^/]+)/namespaces/[^/]+/([^/]+)(?:/[^/]+(/status)?)?");
    /** openAPIV3Schema by "group/version/plural". */
    private static final Map<String, JsonNode> SCHEMAS = load();
    private static final List<String> FOUND = new CopyOnWriteArrayList<>();

    @Override
    public void accept(KubernetesClientBuilder builder) {
        builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("crd-schema", new Interceptor() {
            @Override
            public void before(BasicBuilder b, HttpRequest request, RequestTags tags) {
                String stale = staleStatusWrite(request);
                if (stale != null) {
                    throw new KubernetesClientException(stale, 409, null);
                }
                List<String> refused = new ArrayList<>();
                List<String> pruned = new ArrayList<>();
                check(request.method(), request.uri().getPath(), request.bodyString(), refused, pruned);
                FOUND.addAll(pruned);
                if (!refused.isEmpty()) {
                    FOUND.addAll(refused);
                    throw new KubernetesClientException("the API server would refuse this write (422): " + String.join("; ", refused), 422, null);
                }
            }
        }));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        FOUND.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> found = new ArrayList<>(FOUND);
        FOUND.clear();
        if (!found.isEmpty()) {
            throw new AssertionError("writes a real API server would prune or refuse:\n  " + String.join("\n  ", found.stream().distinct().toList()));
        }
    }

    /** Trusts the mock server's own certificate: the stale-write check reads the object over a client of its own. */
    private static final java.net.http.HttpClient PLAIN = plainClient();

    private static java.net.http.HttpClient plainClient() {
        try {
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            return java.net.http.HttpClient.newBuilder().sslContext(ssl).sslParameters(parameters).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The conflict a real API server answers a status write with when the resourceVersion it carries
     * is not the object's any more, or null.
     */
    static String staleStatusWrite(HttpRequest request) {
        String path = request.uri().getPath();
        if (!path.endsWith("/status") || !List.of("PUT", "PATCH").contains(request.method()) || request.bodyString() == null) {
            return null;
        }
        String sent;
        try {
            JsonNode body = JSON.readTree(request.bodyString());
            sent = body.isObject() ? body.path("metadata").path("resourceVersion").asText("") : "";
        } catch (IOException e) {
            return null;
        }
        if (sent.isEmpty()) {
            return null;
        }
        java.net.URI object = request.uri().resolve(path.substring(0, path.length() - "/status".length()));
        try {
            java.net.http.HttpResponse<String> current = PLAIN.send(java.net.http.HttpRequest.newBuilder(object).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (current.statusCode() != 200) {
                return null;
            }
            String now = JSON.readTree(current.body()).path("metadata").path("resourceVersion").asText("");
            return now.equals(sent) ? null : "Operation cannot be fulfilled on " + path + ": the object has been modified (resourceVersion "
                    + sent + " sent, " + now + " stored); please apply your changes to the latest version and try again";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Reads one request: a write of a custom resource under the CRDs' group is checked against the
     * schema of its version; anything else is left alone.
     */
    public static void check(String method, String path, String body, List<String> refused, List<String> pruned) {
        Matcher m = CUSTOM_RESOURCE_PATH.matcher(path == null ? "" : path);
        if (!m.matches() || body == null || body.isBlank() || !List.of("POST", "PUT", "PATCH").contains(method)) {
            return;
        }
        JsonNode schema = SCHEMAS.get(m.group(1) + "/" + m.group(2) + "/" + m.group(3));
        if (schema == null) {
            refused.add(path + ": no CRD serves " + m.group(1) + "/" + m.group(2) + " " + m.group(3));
            return;
        }
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (IOException e) {
            refused.add(path + ": the body is not JSON: " + e.getMessage());
            return;
        }
        String what = m.group(3) + (m.group(4) != null ? "/status" : "");
        // an array body can only be a JSON patch (the client sets the content type only after interceptors run)
        if (value.isArray()) {
            for (JsonNode op : value) {
                String opName = op.path("op").asText();
                String pointer = op.path("path").asText();
                // metadata is the API server's ObjectMeta, not the CRD's schema
                if ((opName.equals("add") || opName.equals("replace")) && !pointer.startsWith("/metadata")) {
                    JsonNode at = schemaAt(schema, pointer);
                    if (at == null) {
                        pruned.add(what + " " + pointer + ": not in the CRD's schema, so the API server prunes it");
                    } else {
                        walk(at, op.get("value"), what + " " + pointer, false, refused, pruned);
                    }
                }
            }
            return;
        }
        // a create or replace sends the whole object, a merge patch part of it (where null removes a field)
        boolean whole = !method.equals("PATCH");
        value.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("metadata")) {
                JsonNode field = schema.path("properties").get(e.getKey());
                if (field == null) {
                    pruned.add(what + " ." + e.getKey() + ": not in the CRD's schema, so the API server prunes it");
                } else if (!(e.getValue().isNull() && !whole)) {
                    walk(field, e.getValue(), what + " ." + e.getKey(), whole, refused, pruned);
                }
            }
        });
        if (whole) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    refused.add(what + " ." + required.asText() + ": Required value");
                }
            }
        }
    }

    /** The schema of the field a JSON pointer names, or null where the schema declares no such field. */
    static JsonNode schemaAt(JsonNode schema, String pointer) {
        JsonNode at = schema;
        for (String raw : pointer.substring(1).split("/", -1)) {
            String segment = raw.replace("~1", "/").replace("~0", "~");
            if (at.path("type").asText().equals("array")) {
                at = at.path("items");
            } else if (at.path("properties").has(segment)) {
                at = at.path("properties").get(segment);
            } else if (at.path("additionalProperties").isObject()) {
                at = at.path("additionalProperties");
            } else if (at.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                return JSON.createObjectNode().put("x-kubernetes-preserve-unknown-fields", true);
            } else {
                return null;
            }
        }
        return at;
    }

    /**
     * One value against its schema, as the API server's pruning and validation would read it.
     *
     * @param whole the value is all of the object, so required fields must be there and nulls are kept
     *     only where nullable
     */
    static void walk(JsonNode schema, JsonNode value, String path, boolean whole, List<String> refused, List<String> pruned) {
        if (value == null) {
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean() && whole) {
                pruned.add(path + ": null in a field that is not nullable, which the API server drops");
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                refused.add(path + ": must be an integer or a string, not " + value.getNodeType());
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    refused.add(path + ": must be an object, not " + value.getNodeType());
                    return;
                }
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.get("additionalProperties");
                boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
                value.fields().forEachRemaining(e -> {
                    String at = path + "." + e.getKey();
                    if (properties.has(e.getKey())) {
                        walk(properties.get(e.getKey()), e.getValue(), at, whole, refused, pruned);
                    } else if (additional != null && additional.isObject()) {
                        walk(additional, e.getValue(), at, whole, refused, pruned);
                    } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
                        pruned.add(at + ": not in the CRD's schema, so the API server prunes it");
                    }
                });
                if (whole) {
                    for (JsonNode required : schema.path("required")) {
                        if (!value.has(required.asText())) {
                            refused.add(path + "." + required.asText() + ": Required value");
                        }
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    refused.add(path + ": must be an array, not " + value.getNodeType());
                    return;
                }
                if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                    refused.add(path + ": must have at most " + schema.get("maxItems").asInt() + " items");
                }
                if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                    refused.add(path + ": must have at least " + schema.get("minItems").asInt() + " items");
                }
                for (int i = 0; i < value.size(); i++) {
                    walk(schema.path("items"), value.get(i), path + "[" + i + "]", whole, refused, pruned);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    refused.add(path + ": must be a string, not " + value.getNodeType());
                    return;
                }
                if (schema.has("pattern") && !matches(schema.get("pattern").asText(), value.asText())) {
                    refused.add(path + ": \"" + value.asText() + "\" does not match " + schema.get("pattern").asText());
                }
                if (schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
                    refused.add(path + ": longer than " + schema.get("maxLength").asInt());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    refused.add(path + ": must be an integer, not " + value.getNodeType() + " " + value);
                    return;
                }
                bounds(schema, value, path, refused);
            }
            case "number" -> {
                if (!value.isNumber()) {
                    refused.add(path + ": must be a number, not " + value.getNodeType());
                    return;
                }
                bounds(schema, value, path, refused);
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    refused.add(path + ": must be a boolean, not " + value.getNodeType());
                }
            }
            default -> {
                // no type: a structural schema allows that only where unknown fields are kept
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                refused.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
    }

    private static void bounds(JsonNode schema, JsonNode value, String path, List<String> refused) {
        if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
            refused.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
            refused.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
        }
    }

    /** An OpenAPI pattern is an ECMA regular expression, unanchored; Java's reads the ones the CRDs use alike. */
    private static boolean matches(String pattern, String text) {
        try {
            return Pattern.compile(pattern).matcher(text).find();
        } catch (PatternSyntaxException e) {
            return true;
        }
    }

    private static Map<String, JsonNode> load() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, JsonNode> out = new HashMap<>();
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode crd = yaml.readTree(f.toFile());
                String group = crd.path("spec").path("group").asText();
                String plural = crd.path("spec").path("names").path("plural").asText();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    out.put(group + "/" + version.path("name").asText() + "/" + plural, version.path("schema").path("openAPIV3Schema"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the generated CRDs in " + CRDS.toAbsolutePath() + " (build the crds module first)", e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no CRD in " + CRDS.toAbsolutePath());
        }
        return out;
    }
}
