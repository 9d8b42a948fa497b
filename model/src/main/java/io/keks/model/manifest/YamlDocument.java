package io.keks.model.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One YAML document of a file as a JSON tree, with the line of every node so that any later
 * finding about a field can say where that field is.
 *
 * @param source       file name the document came from
 * @param index        0-based position of the document in its file
 * @param startLine    1-based line where the document starts
 * @param tree         the document
 * @param lineByPointer 1-based line of each node, keyed by JSON pointer ("" for the root)
 */
public record YamlDocument(String source, int index, int startLine, JsonNode tree, Map<String, Integer> lineByPointer) {

    /** Line of the field at {@code pointer}, or of its nearest ancestor that exists. */
    public int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lineByPointer.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return startLine;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    public Problem error(String pointer, String message) {
        return Problem.error(source, lineOf(pointer), FieldPath.display(pointer), message);
    }

    public Problem warning(String pointer, String message) {
        return Problem.warning(source, lineOf(pointer), FieldPath.display(pointer), message);
    }
}
