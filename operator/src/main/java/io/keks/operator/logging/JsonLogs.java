package io.keks.operator.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The operator's logging: one JSON object per line on stdout, in the field names of the Elastic
 * Common Schema, with the SDK's context (resource.kind, resource.namespace, resource.name) on every
 * line about a resource. An SLF4J provider of a few classes: a full logging framework would cost the
 * operator several megabytes of memory for this one format. KEKS_LOG_LEVEL sets the level (INFO);
 * Kafka's clients log from WARN.
 */
public final class JsonLogs implements SLF4JServiceProvider {
    private final PrintStream out = System.out;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Level threshold = level(System.getenv("KEKS_LOG_LEVEL"));

    /** Makes SLF4J use this provider; call before the first logger is asked for. */
    public static void install() {
        System.setProperty("slf4j.provider", JsonLogs.class.getName());
        // SLF4J would otherwise say on stderr which provider it loads
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    private static Level level(String name) {
        try {
            return name == null || name.isBlank() ? Level.INFO : Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return name -> loggers.computeIfAbsent(name, n -> new JsonLogger(n, n.startsWith("org.apache.kafka") ? Level.WARN : threshold));
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private final class JsonLogger extends LegacyAbstractLogger {
        private final Level threshold;

        JsonLogger(String name, Level threshold) {
            this.name = name;
            this.threshold = threshold;
        }

        private boolean on(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
            StringBuilder sb = new StringBuilder(256).append('{');
            field(sb, "@timestamp", Instant.now().toString());
            field(sb, "log.level", level.name());
            field(sb, "log.logger", name);
            field(sb, "process.thread.name", Thread.currentThread().getName());
            Map<String, String> context = mdc.getCopyOfContextMap();
            if (context != null) {
                context.forEach((k, v) -> field(sb, k, v));
            }
            field(sb, "message", MessageFormatter.basicArrayFormat(pattern, args));
            if (error != null) {
                field(sb, "error.type", error.getClass().getName());
                field(sb, "error.message", String.valueOf(error.getMessage()));
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                field(sb, "error.stack_trace", trace.toString());
            }
            sb.setLength(sb.length() - 1);
            sb.append('}');
            synchronized (out) {
                out.println(sb);
            }
        }
    }

    private static void field(StringBuilder sb, String key, String value) {
        quote(sb, key).append(':');
        quote(sb, value == null ? "" : value).append(',');
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
