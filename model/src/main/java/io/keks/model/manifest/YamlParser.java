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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public record Result(List<YamlDocument> documents, List<Problem> problems) {
    }

    private YamlParser() {
    }

    /** Texts larger than this are split at their document markers and the parts parsed in parallel. */
    private static final int PARALLEL_FROM_CHARS = 256 * 1024;
    private static final Pattern DOCUMENT_START = Pattern.compile("^---(?=[ \\t\\r\\n]|$)", Pattern.MULTILINE);

    public static Result parse(String source, String text) {
        List<Part> parts = split(text);
        if (parts.size() == 1) {
            return parsePart(source, parts.get(0)).result();
        }
        List<Parsed> parsed = parts.parallelStream().map(part -> parsePart(source, part)).toList();
        List<YamlDocument> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int index = 0;
        for (Parsed p : parsed) {
            for (YamlDocument d : p.result().documents()) {
                documents.add(new YamlDocument(d.source(), d.index() + index, d.startLine(), d.tree(), d.lineByPointer()));
            }
            problems.addAll(p.result().problems());
            index += p.composed();
            if (p.malformed()) {
                break; // as when parsed in one piece, nothing after malformed YAML is read
            }
        }
        return new Result(documents, problems);
    }

    /** A piece of the text starting at a document marker, and the 0-based line where it starts. */
    record Part(String text, int firstLine) {
    }

    record Parsed(Result result, int composed, boolean malformed) {
    }

    /**
     * Splits a large text at its "---" lines into a part per processor. A document marker at the
     * start of a line cannot occur inside a scalar (YAML forbids it), so each part holds whole
     * documents; a text with directives ("%YAML", "%TAG": they belong to the next document) is not split.
     */
    private static List<Part> split(String text) {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (text.length() < PARALLEL_FROM_CHARS || cpus < 2 || text.startsWith("%") || text.contains("\n%")) {
            return List.of(new Part(text, 0));
        }
        List<Part> parts = new ArrayList<>();
        int target = text.length() / cpus;
        int from = 0;
        int line = 0;
        Matcher m = DOCUMENT_START.matcher(text);
        int searchFrom = target;
        while (parts.size() < cpus - 1 && searchFrom < text.length() && m.find(searchFrom)) {
            int at = m.start();
            parts.add(new Part(text.substring(from, at), line));
            line += lines(text, from, at);
            from = at;
            searchFrom = Math.max(at + 3, from + target);
        }
        parts.add(new Part(text.substring(from), line));
        return parts;
    }

    private static int lines(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static Parsed parsePart(String source, Part part) {
        Problem tooDeep = nestingProblem(source, part);
        if (tooDeep != null) {
            return new Parsed(new Result(List.of(), List.of(tooDeep)), 0, true);
        }
        try {
            BlockYaml.Read fast = BlockYaml.read(source, part.text(), part.firstLine());
            if (fast != null) {
                return new Parsed(new Result(fast.documents(), fast.problems()), fast.composed(), false);
            }
            return parseWithSnakeYaml(source, part);
        } catch (StackOverflowError e) {
            // indentation nested thousands of levels deep: readers of nested YAML recurse per level
            return new Parsed(new Result(List.of(), List.of(Problem.error(source, part.firstLine() + 1, "", "nested too deeply to"
                    + " read (no Strimzi resource nests more than " + MAX_DEPTH + " levels); check the indentation"))), 0, true);
        }
    }

    /** Deeper than any Strimzi resource nests, far less deep than a reader's stack allows. */
    static final int MAX_DEPTH = 64;
    /** Indentation of that many levels of four columns each: none of keks' readers recurses so deep. */
    static final int MAX_INDENT = 4 * MAX_DEPTH;

    /**
     * Nesting deeper than any Strimzi resource, found before any reader recurses into it: lines indented more than
     * {@link #MAX_INDENT} columns, and flow collections ({@code [ {}) opened more than {@link #MAX_DEPTH} deep, counted
     * outside quotes and comments. The problem names the line where the limit is passed.
     */
    static Problem nestingProblem(String source, Part part) {
        String text = part.text();
        int line = part.firstLine() + 1;
        int indent = 0;
        boolean start = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                indent = 0;
                start = true;
            } else if (start && c == ' ') {
                if (++indent > MAX_INDENT) {
                    return Problem.error(source, line, "", "indented more than " + MAX_INDENT + " columns, deeper than any"
                            + " Strimzi resource nests; check the indentation");
                }
            } else {
                start = false;
            }
        }
        if (text.indexOf('[') < 0 && text.indexOf('{') < 0) {
            return null;
        }
        int depth = 0;
        line = part.firstLine() + 1;
        char quote = 0;
        boolean comment = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                comment = false;
                if (quote == 0) {
                    continue;
                }
            }
            if (comment) {
                continue;
            }
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'' -> quote = (i == 0 || " \t[{,:-".indexOf(text.charAt(i - 1)) >= 0) ? c : 0;
                case '#' -> comment = i == 0 || Character.isWhitespace(text.charAt(i - 1));
                case '[', '{' -> {
                    if (++depth > MAX_DEPTH) {
                        return Problem.error(source, line, "", "brackets nested more than " + MAX_DEPTH + " levels deep from this"
                                + " line; no Strimzi resource nests that deep, so check the brackets");
                    }
                }
                case ']', '}' -> depth = Math.max(0, depth - 1);
                default -> {
                }
            }
        }
        return null;
    }

    /** Reads any YAML, for texts {@link BlockYaml} leaves alone; package-visible to compare the two in tests. */
    static Parsed parseWithSnakeYaml(String source, Part part) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // reported below with both lines, not thrown
                .build();
        List<YamlDocument> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int offset = part.firstLine();
        int index = 0;
        boolean malformed = false;
        try {
            for (Node root : new Compose(settings).composeAllFromString(part.text())) {
                Map<String, Integer> lines = new HashMap<>();
                JsonNode tree = convert(root, "", lines, source, problems, offset);
                if (!tree.isNull() && !(tree.isObject() && tree.isEmpty())) {
                    documents.add(new YamlDocument(source, index, line(root, offset), tree, Map.copyOf(lines)));
                }
                index++;
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1 + offset).orElse(0);
            int opened = e.getContextMark().map(m -> m.getLine() + 1 + offset).orElse(line);
            String what = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            if (e.getContext() != null && opened < line) {
                // an unclosed quote or bracket: the reader gives up where the text ends or the next line starts, but the
                // mistake is where it opened
                problems.add(Problem.error(source, opened, "", "malformed YAML: " + opening(e.getContext())
                        + " opened on this line is not closed (the reader gave up at line " + line + ": " + what
                        + "); close it on this line"));
            } else {
                String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
                problems.add(Problem.error(source, line, "", "malformed YAML: " + what + context
                        + "; fix the indentation or quoting at this line"));
            }
            malformed = true;
        } catch (YamlEngineException e) {
            String message = String.valueOf(e.getMessage());
            problems.add(Problem.error(source, 0, "", message.startsWith("Number of aliases")
                    ? "its aliases (*name) stand for more than 50 collections, which would multiply the document ('billion"
                    + " laughs'); write the values out"
                    : "malformed YAML: " + message));
            malformed = true;
        }
        return new Parsed(new Result(documents, problems), index, malformed);
    }

    /** What a reader's context names, in a user's words: the quote or bracket that was opened. */
    private static String opening(String context) {
        if (context.contains("quoted scalar")) {
            return "the quote";
        }
        if (context.contains("flow sequence")) {
            return "the [";
        }
        if (context.contains("flow mapping")) {
            return "the {";
        }
        return context.replaceFirst("^while (scanning|parsing) ", "");
    }

    private static int line(Node node, int offset) {
        return node.getStartMark().map(m -> m.getLine() + 1 + offset).orElse(0);
    }

    private static JsonNode convert(Node node, String pointer, Map<String, Integer> lines, String source,
                                    List<Problem> problems, int offset) {
        lines.put(pointer, line(node, offset));
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            Map<String, Integer> seenAt = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tuple.getKeyNode());
                String child = FieldPath.child(pointer, key);
                Integer first = seenAt.putIfAbsent(key, line(tuple.getKeyNode(), offset));
                if (first != null) {
                    problems.add(Problem.error(source, line(tuple.getKeyNode(), offset), FieldPath.display(child),
                            "duplicate key (first set at line " + first + "); keep one of them"));
                }
                object.set(key, convert(tuple.getValueNode(), child, lines, source, problems, offset));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, FieldPath.child(pointer, i++), lines, source, problems, offset));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar(scalar.getTag(), scalar.getValue());
    }

    static JsonNode scalar(Tag tag, String value) {
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
