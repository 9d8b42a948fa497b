package io.keks.model.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A fast reader for the plain block YAML that manifests are nearly always written in: mappings with
 * simple keys, block sequences, plain scalars and quoted ones without escapes, comments and "---"
 * between documents. It gives the same documents, trees, lines and duplicate-key problems as reading
 * with SnakeYAML; a text that uses anything else (flow collections, anchors, tags, block or
 * multi-line scalars, escapes, empty values, directives, tabs, malformed YAML) is not read here:
 * {@link #read} answers null and the caller reads it with SnakeYAML. Reading 10,000 KafkaTopics
 * through SnakeYAML's tokens, events and nodes was the largest share of an apply's own time.
 */
final class BlockYaml {
    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();

    /** What a text holds, as {@link YamlParser} reads it: its documents, problems, and how many documents it composed. */
    record Read(List<YamlDocument> documents, List<Problem> problems, int composed) {
    }

    /** Thrown inside when the text leaves the subset; never escapes {@link #read}. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();

    private final String source;
    private final int firstLine;
    private final List<Problem> problems = new ArrayList<>();
    // the content lines of the document being read: 1-based line number, indentation, text after it
    private int[] number;
    private int[] indent;
    private String[] text;
    private int count;
    private int pos;
    private Map<String, Integer> lines;

    private BlockYaml(String source, int firstLine) {
        this.source = source;
        this.firstLine = firstLine;
    }

    /**
     * @param firstLine the 0-based line of the file where {@code text} starts
     * @return the documents, or null when the text uses YAML this reader leaves to SnakeYAML
     */
    static Read read(String source, String text, int firstLine) {
        try {
            return new BlockYaml(source, firstLine).readAll(text);
        } catch (Unsupported e) {
            return null;
        }
    }

    private Read readAll(String text) {
        List<YamlDocument> documents = new ArrayList<>();
        List<int[]> starts = new ArrayList<>(); // per document: first and last (exclusive) raw line
        List<String> raw = new ArrayList<>();
        int from = 0;
        int length = text.length();
        while (from < length) {
            int end = text.indexOf('\n', from);
            int next = end < 0 ? length : end + 1;
            if (end < 0) {
                end = length;
            }
            if (end > from && text.charAt(end - 1) == '\r') {
                end--;
            }
            raw.add(text.substring(from, end));
            from = next;
        }
        // a document before the first marker exists only if it has content; each marker starts one
        int docStart = 0;
        boolean explicit = false;
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i);
            check(line);
            if (line.startsWith("---") && isMarker(line)) {
                if (explicit || hasContent(raw, docStart, i)) {
                    starts.add(new int[] {docStart, i});
                }
                docStart = i + 1;
                explicit = true;
            } else if (line.startsWith("...") || line.startsWith("%") || line.startsWith("---")) {
                throw UNSUPPORTED; // document end, directive, or content on the marker line
            }
        }
        if (explicit || hasContent(raw, docStart, raw.size())) {
            starts.add(new int[] {docStart, raw.size()});
        }
        int index = 0;
        for (int[] range : starts) {
            JsonNode tree = document(raw, range[0], range[1]);
            if (tree != null && !(tree.isObject() && tree.isEmpty())) {
                documents.add(new YamlDocument(source, index, number[0], tree, Map.copyOf(lines)));
            }
            index++;
        }
        return new Read(documents, problems, index);
    }

    private static boolean isMarker(String line) {
        for (int i = 3; i < line.length(); i++) {
            if (line.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    /** Characters SnakeYAML treats specially or refuses are left to it. */
    private static void check(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\uFEFF' || Character.isSurrogate(c)
                    || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                throw UNSUPPORTED;
            }
        }
    }

    private static boolean hasContent(List<String> raw, int from, int to) {
        for (int i = from; i < to; i++) {
            String s = raw.get(i).strip();
            if (!s.isEmpty() && s.charAt(0) != '#') {
                return true;
            }
        }
        return false;
    }

    /** The tree of one document's lines; null for a document without content. */
    private JsonNode document(List<String> raw, int from, int to) {
        number = new int[to - from];
        indent = new int[to - from];
        text = new String[to - from];
        count = 0;
        pos = 0;
        lines = new HashMap<>();
        for (int i = from; i < to; i++) {
            String line = raw.get(i);
            int n = 0;
            while (n < line.length() && line.charAt(n) == ' ') {
                n++;
            }
            if (n == line.length() || line.charAt(n) == '#') {
                continue;
            }
            number[count] = i + 1 + firstLine;
            indent[count] = n;
            text[count] = line.substring(n);
            count++;
        }
        if (count == 0) {
            return null;
        }
        JsonNode root = node(indent[0], "");
        if (pos != count) {
            throw UNSUPPORTED; // a line less indented than the root, or otherwise out of place
        }
        return root;
    }

    private static boolean isItem(String t) {
        return t.equals("-") || t.startsWith("- ");
    }

    /** A block mapping or sequence starting at the current line, whose indentation is {@code at}. */
    private JsonNode node(int at, String pointer) {
        if (indent[pos] != at) {
            throw UNSUPPORTED;
        }
        lines.put(pointer, number[pos]);
        return isItem(text[pos]) ? sequence(at, pointer) : mapping(at, pointer);
    }

    private ArrayNode sequence(int at, String pointer) {
        ArrayNode array = YamlParser.NODES.arrayNode();
        int i = 0;
        while (pos < count && indent[pos] == at && isItem(text[pos])) {
            String child = FieldPath.child(pointer, i++);
            String t = text[pos];
            int k = 1;
            while (k < t.length() && t.charAt(k) == ' ') {
                k++;
            }
            if (k == t.length() || t.charAt(k) == '#') {
                // "-" alone: the item is the block on the lines below
                pos++;
                if (pos < count && indent[pos] > at) {
                    array.add(node(indent[pos], child));
                } else {
                    throw UNSUPPORTED; // an empty item
                }
                continue;
            }
            String rest = t.substring(k);
            if (isItem(rest) || keyEnd(rest) > 0) {
                // "- key: value" or "- - item": a block starting in the item's own line
                indent[pos] = at + k;
                text[pos] = rest;
                array.add(node(at + k, child));
            } else {
                lines.put(child, number[pos]);
                array.add(inline(rest, child, number[pos]));
                pos++;
                notContinued(at);
            }
        }
        if (pos < count && indent[pos] > at) {
            throw UNSUPPORTED;
        }
        return array;
    }

    private ObjectNode mapping(int at, String pointer) {
        ObjectNode object = YamlParser.NODES.objectNode();
        Map<String, Integer> seenAt = new HashMap<>();
        while (pos < count && indent[pos] == at) {
            String t = text[pos];
            int colon = keyEnd(t);
            if (colon < 0) {
                throw UNSUPPORTED; // a sequence item or a scalar where a key belongs
            }
            String key = t.substring(0, colon);
            int keyLine = number[pos];
            String child = FieldPath.child(pointer, key);
            Integer first = seenAt.putIfAbsent(key, keyLine);
            if (first != null) {
                problems.add(Problem.error(source, keyLine, FieldPath.display(child),
                        "duplicate key (first set at line " + first + "); keep one of them"));
            }
            int v = colon + 1;
            while (v < t.length() && t.charAt(v) == ' ') {
                v++;
            }
            JsonNode value;
            if (v == t.length() || t.charAt(v) == '#') {
                pos++;
                if (pos < count && indent[pos] > at) {
                    value = node(indent[pos], child);
                } else if (pos < count && indent[pos] == at && isItem(text[pos])) {
                    value = node(at, child); // a sequence at the key's own indentation
                } else {
                    throw UNSUPPORTED; // an empty value: SnakeYAML marks it where the next token starts
                }
            } else {
                lines.put(child, keyLine);
                value = inline(t.substring(v), child, keyLine);
                pos++;
                notContinued(at);
            }
            object.set(key, value);
        }
        if (pos < count && indent[pos] > at) {
            throw UNSUPPORTED;
        }
        return object;
    }

    /** A scalar on its key's or item's line must end there: a more indented line would continue it. */
    private void notContinued(int at) {
        if (pos < count && indent[pos] > at) {
            throw UNSUPPORTED;
        }
    }

    /** Where a simple plain key ends (its ':' followed by a space or the line's end), or -1. */
    private static int keyEnd(String t) {
        // a key may start with '-' when a letter or digit follows (jvmOptions' "-Xms"): "- " is an item
        if (t.isEmpty() || !(keyStart(t.charAt(0)) || (t.charAt(0) == '-' && t.length() > 1 && keyStart(t.charAt(1))))) {
            return -1;
        }
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ':') {
                return i + 1 == t.length() || t.charAt(i + 1) == ' ' ? i : -1;
            }
            if (!keyStart(c) && c != '.' && c != '/' && c != '-') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean keyStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /**
     * A value written on one line after a key or "- ", with any comment after it: a scalar, an empty
     * flow mapping or sequence ("{}", "[]"), or a flow sequence of scalars ("[Read, Write]").
     */
    private JsonNode inline(String t, String pointer, int line) {
        char c = t.charAt(0);
        if (c == '{' || c == '[') {
            int close = t.indexOf(c == '{' ? '}' : ']');
            if (close < 0) {
                throw UNSUPPORTED;
            }
            endsAfter(t, close);
            String inside = t.substring(1, close);
            if (inside.isBlank()) {
                return c == '{' ? YamlParser.NODES.objectNode() : YamlParser.NODES.arrayNode();
            }
            if (c == '{') {
                throw UNSUPPORTED;
            }
            ArrayNode array = YamlParser.NODES.arrayNode();
            int i = 0;
            for (String item : inside.split(",", -1)) {
                String v = item.strip();
                if (v.isEmpty() || v.length() != item.length() - leading(item) - trailing(item)) {
                    throw UNSUPPORTED;
                }
                lines.put(FieldPath.child(pointer, i++), line);
                array.add(flowScalar(v));
            }
            return array;
        }
        return scalar(t);
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static int trailing(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(s.length() - 1 - n) == ' ') {
            n++;
        }
        return n;
    }

    /** Only spaces, or a comment after a space, may follow position {@code end} on the line. */
    private static void endsAfter(String t, int end) {
        int after = end + 1;
        while (after < t.length() && t.charAt(after) == ' ') {
            after++;
        }
        if (after < t.length() && !(t.charAt(after) == '#' && after > end + 1)) {
            throw UNSUPPORTED;
        }
    }

    /** An item of a flow sequence: quoted, or plain without anything flow context gives a meaning to. */
    private static JsonNode flowScalar(String v) {
        char c = v.charAt(0);
        if (c == '"' || c == '\'') {
            if (v.length() < 2 || v.charAt(v.length() - 1) != c || v.indexOf(c, 1) != v.length() - 1 || v.indexOf('\\') >= 0) {
                throw UNSUPPORTED;
            }
            return YamlParser.NODES.textNode(v.substring(1, v.length() - 1));
        }
        for (int i = 0; i < v.length(); i++) {
            if ("-?:,[]{}#&*!|>'\"%@`".indexOf(v.charAt(i)) >= 0 && !(v.charAt(i) == '-' && (i > 0 || (v.length() > 1 && v.charAt(1) != ' ')))) {
                throw UNSUPPORTED;
            }
        }
        return YamlParser.scalar(RESOLVER.resolve(v, true), v);
    }

    /** A scalar on one line, with any comment after it. */
    private static JsonNode scalar(String t) {
        char c = t.charAt(0);
        if (c == '"' || c == '\'') {
            int close = t.indexOf(c, 1);
            if (close < 0 || (c == '"' && t.lastIndexOf('\\', close) >= 0)
                    || (c == '\'' && close + 1 < t.length() && t.charAt(close + 1) == '\'')) {
                throw UNSUPPORTED; // escapes, or a scalar going on to the next line
            }
            endsAfter(t, close);
            return YamlParser.NODES.textNode(t.substring(1, close));
        }
        if ("-?:,[]{}#&*!|>%@`".indexOf(c) >= 0 && !(c == '-' && t.length() > 1 && t.charAt(1) != ' ')) {
            throw UNSUPPORTED;
        }
        int end = t.length();
        for (int i = 1; i < t.length(); i++) {
            char x = t.charAt(i);
            if (x == '#' && t.charAt(i - 1) == ' ') {
                end = i;
                break;
            }
            if (x == ':' && (i + 1 == t.length() || t.charAt(i + 1) == ' ')) {
                throw UNSUPPORTED; // a mapping where a scalar was expected: malformed for SnakeYAML to report
            }
        }
        while (end > 0 && t.charAt(end - 1) == ' ') {
            end--;
        }
        String value = t.substring(0, end);
        return YamlParser.scalar(RESOLVER.resolve(value, true), value);
    }
}
