package io.keks.engine.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prometheus' text exposition format (version 0.0.4), both ways: samples read from a scrape, and
 * families written for one. Only what metrics endpoints print: no timestamps are kept, and
 * comment lines other than HELP and TYPE are skipped.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.get(key);
        }
    }

    /** Every sample of a scrape, in the order printed. A line that is not a sample is an error naming the line. */
    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(l));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNo + " is not a Prometheus sample: " + line, e);
            }
        }
        return out;
    }

    private static Sample sample(String l) {
        int brace = l.indexOf('{');
        int space = l.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = l.substring(0, brace);
            int i = brace + 1;
            while (l.charAt(i) != '}') {
                int eq = l.indexOf('=', i);
                String key = l.substring(i, eq).strip();
                int q = eq + 1;
                if (l.charAt(q) != '"') {
                    throw new IllegalArgumentException("label value without quotes");
                }
                StringBuilder value = new StringBuilder();
                int j = q + 1;
                for (; l.charAt(j) != '"'; j++) {
                    char c = l.charAt(j);
                    if (c == '\\') {
                        char next = l.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (l.charAt(i) == ',') {
                    i++;
                }
                while (l.charAt(i) == ' ') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = l.substring(0, space);
            rest = space;
        }
        String[] tail = l.substring(rest).strip().split("\\s+");
        return new Sample(name, Collections.unmodifiableMap(labels), value(tail[0]));
    }

    private static double value(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** The samples named {@code name}. */
    public static List<Sample> named(List<Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample named {@code name} whose labels include {@code labels}. */
    public static Optional<Double> value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).findFirst();
    }

    /** Builds the text of a scrape family by family. */
    public static final class Writer {
        private final StringBuilder out = new StringBuilder();

        /** Starts a family: its HELP and TYPE lines ({@code gauge} or {@code counter}). */
        public Writer family(String name, String type, String help) {
            out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            return this;
        }

        /** One sample; labels as alternating names and values. */
        public Writer sample(String name, double value, String... labels) {
            out.append(name);
            if (labels.length > 0) {
                out.append('{');
                for (int i = 0; i < labels.length; i += 2) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(labels[i]).append("=\"").append(labels[i + 1].replace("\\", "\\\\")
                            .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(format(value)).append('\n');
            return this;
        }

        private static String format(double v) {
            if (Double.isNaN(v)) {
                return "NaN";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "+Inf" : "-Inf";
            }
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }

        public String text() {
            return out.toString();
        }
    }
}
