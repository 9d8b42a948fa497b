package io.keks.model.manifest;

/**
 * One thing wrong (or worth a word) in a manifest: where it is and what to do about it.
 *
 * @param severity ERROR stops the operation; WARNING is printed and the operation goes on
 * @param source   the file (or resource) the problem is in
 * @param line     1-based line in that file, or 0 when it has no single line
 * @param field    the field path inside the document, e.g. {@code spec.kafka.listeners[1].port}; empty for the whole document
 * @param message  what is wrong and what to do
 */
public record Problem(Severity severity, String source, int line, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public static Problem error(String source, int line, String field, String message) {
        return new Problem(Severity.ERROR, source, line, field, message);
    }

    public static Problem warning(String source, int line, String field, String message) {
        return new Problem(Severity.WARNING, source, line, field, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line: field: message}, the form compilers use so editors can jump to it. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (severity == Severity.WARNING) {
            sb.append("warning: ");
        }
        sb.append(source);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
