package io.keks.model.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Splits YAML text into documents and turns each into a JSON tree, remembering the line of every
 * node. Pure: takes text, returns documents and problems.
 */
public final class YamlParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public record Result(List<YamlDocument> documents, List<Problem> problems) {
    }

    private YamlParser() {
    }

    public static Result parse(String source, String text) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // reported below with both lines, not thrown
                .build();
        List<YamlDocument> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int index = 0;
        try {
            for (Node root : new Compose(settings).composeAllFromString(text)) {
                Map<String, Integer> lines = new HashMap<>();
                JsonNode tree = convert(root, "", lines, source, problems);
                if (!tree.isNull() && !(tree.isObject() && tree.isEmpty())) {
                    documents.add(new YamlDocument(source, index, line(root), tree, Map.copyOf(lines)));
                }
                index++;
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            String what = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add(Problem.error(source, line, "", "malformed YAML: " + what + context
                    + "; fix the indentation or quoting at this line"));
        } catch (YamlEngineException e) {
            problems.add(Problem.error(source, 0, "", "malformed YAML: " + e.getMessage()));
        }
        return new Result(documents, problems);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private static JsonNode convert(Node node, String pointer, Map<String, Integer> lines, String source,
                                    List<Problem> problems) {
        lines.put(pointer, line(node));
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            Map<String, Integer> seenAt = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tuple.getKeyNode());
                String child = FieldPath.child(pointer, key);
                Integer first = seenAt.putIfAbsent(key, line(tuple.getKeyNode()));
                if (first != null) {
                    problems.add(Problem.error(source, line(tuple.getKeyNode()), FieldPath.display(child),
                            "duplicate key (first set at line " + first + "); keep one of them"));
                }
                object.set(key, convert(tuple.getValueNode(), child, lines, source, problems));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, FieldPath.child(pointer, i++), lines, source, problems));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar(scalar.getTag(), scalar.getValue());
    }

    private static JsonNode scalar(Tag tag, String value) {
        try {
            if (Tag.NULL.equals(tag)) {
                return NODES.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                return NODES.booleanNode(Boolean.parseBoolean(value.toLowerCase()));
            }
            if (Tag.INT.equals(tag)) {
                BigInteger big = parseInt(value);
                return big.bitLength() < 32 ? NODES.numberNode(big.intValue())
                        : big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
            }
            if (Tag.FLOAT.equals(tag)) {
                String v = value.toLowerCase();
                if (v.contains("inf") || v.contains("nan")) {
                    return NODES.textNode(value);
                }
                return NODES.numberNode(new BigDecimal(value));
            }
        } catch (NumberFormatException e) {
            return NODES.textNode(value);
        }
        return NODES.textNode(value);
    }

    private static BigInteger parseInt(String value) {
        String v = value.replace("_", "");
        boolean negative = v.startsWith("-");
        if (v.startsWith("+") || v.startsWith("-")) {
            v = v.substring(1);
        }
        BigInteger result;
        if (v.startsWith("0x")) {
            result = new BigInteger(v.substring(2), 16);
        } else if (v.startsWith("0o")) {
            result = new BigInteger(v.substring(2), 8);
        } else {
            result = new BigInteger(v);
        }
        return negative ? result.negate() : result;
    }
}
