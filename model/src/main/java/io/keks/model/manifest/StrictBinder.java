package io.keks.model.manifest;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a document to an {@code io.strimzi:api} class the way the Kubernetes API server's schema
 * validation would: unknown fields and wrong types are errors, not silently kept or coerced.
 * (The Strimzi classes keep unknown fields in an any-setter; this mapper removes it.)
 */
public final class StrictBinder {
    private static final ObjectMapper MAPPER = createMapper();

    private StrictBinder() {
    }

    private static ObjectMapper createMapper() {
        SimpleModule noAnySetter = new SimpleModule("keks-strict");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription beanDesc,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(noAnySetter)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    /** The resource, or empty with the reason added to {@code problems}. */
    public static <T> Optional<T> bind(YamlDocument doc, JsonNode node, String basePointer, Class<T> type,
                                       List<Problem> problems) {
        try {
            return Optional.of(MAPPER.treeToValue(node, type));
        } catch (JsonMappingException e) {
            String pointer = basePointer + pointerOf(e.getPath());
            problems.add(doc.error(pointer, describe(e, doc, pointer)));
            return Optional.empty();
        } catch (Exception e) {
            problems.add(doc.error(basePointer, "cannot read this document: " + e.getMessage()));
            return Optional.empty();
        }
    }

    private static String pointerOf(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                sb.append('/').append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                sb.append('/').append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    private static String describe(JsonMappingException e, YamlDocument doc, String pointer) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = u.getPropertyName();
            String hint = closest(field, u.getKnownPropertyIds())
                    .map(s -> "; did you mean \"" + s + "\"?")
                    .orElse("; remove it or check its indentation");
            return "unknown field \"" + field + "\"" + hint;
        }
        if (e instanceof InvalidTypeIdException t) {
            String id = t.getTypeId();
            return (id == null ? "\"type\" is missing" : "unknown type \"" + id + "\"")
                    + "; use one of " + knownTypeIds(t.getOriginalMessage());
        }
        if (e instanceof InvalidFormatException f) {
            Class<?> target = f.getTargetType();
            if (target != null && target.isEnum()) {
                return "\"" + f.getValue() + "\" is not allowed here; use one of " + enumValues(f.getOriginalMessage());
            }
            if (pointer.endsWith("/size") || pointer.endsWith("/sizeLimit")) {
                return "a size is written with its unit, like 100Gi or 500G, not as the number " + f.getValue();
            }
            if (f.getValue() instanceof Number n && typeName(target).equals("an integer")) {
                return "expected a whole number, got " + n;
            }
            return "expected " + typeName(target) + ", got \"" + f.getValue() + "\"";
        }
        if (e instanceof MismatchedInputException m) {
            JsonNode actual = doc.tree().at(pointer);
            String got = actual.isMissingNode() ? "something else" : kindOf(actual);
            return "expected " + typeName(m.getTargetType()) + ", got " + got;
        }
        String message = e.getOriginalMessage();
        int cut = message.indexOf('\n');
        return cut > 0 ? message.substring(0, cut) : message;
    }

    private static String kindOf(JsonNode node) {
        if (node.isTextual()) {
            return "the string \"" + node.asText() + "\"";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().name().toLowerCase() + " " + node;
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping";
        }
        return "a mapping (" + type.getSimpleName() + ")";
    }

    private static String knownTypeIds(String message) {
        int at = message.indexOf("known type ids = [");
        if (at < 0) {
            return "the documented types";
        }
        int end = message.indexOf(']', at);
        return message.substring(at + "known type ids = [".length(), end).replace("'", "");
    }

    private static String enumValues(String message) {
        int at = message.indexOf("[");
        int end = message.lastIndexOf("]");
        return at >= 0 && end > at ? message.substring(at + 1, end) : "the documented values";
    }

    static Optional<String> closest(String field, Collection<Object> known) {
        if (known == null) {
            return Optional.empty();
        }
        // compared lower-case, answered as the field is spelled
        Map<String, String> byLower = new HashMap<>();
        known.stream().map(String::valueOf).filter(k -> !k.equals("additionalProperties")).forEach(k -> byLower.putIfAbsent(k.toLowerCase(), k));
        return Spelling.nearest(field.toLowerCase(), byLower.keySet(), Math.max(2, field.length() / 3)).map(byLower::get);
    }
}
