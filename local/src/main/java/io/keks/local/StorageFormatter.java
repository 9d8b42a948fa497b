package io.keks.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Kafka's own {@code kafka-storage format} (kafka.tools.StorageTool) for many nodes inside this
 * JVM, with the Kafka version's jars in an isolated class loader. One class load for all nodes
 * instead of one JVM start per node.
 */
final class StorageFormatter implements AutoCloseable {
    private final URLClassLoader loader;
    private final Method execute;

    StorageFormatter(Path libDir) throws IOException {
        loader = KafkaJars.loader(libDir);
        try {
            execute = loader.loadClass("kafka.tools.StorageTool").getMethod("execute", String[].class, PrintStream.class);
        } catch (ReflectiveOperationException e) {
            loader.close();
            throw new IOException("the Kafka jars in " + libDir + " have no kafka.tools.StorageTool", e);
        }
    }

    /** Formats the directories of the node configured by {@code properties}. */
    void format(Path properties, String clusterId, List<String> extraArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("format", "--config", properties.toString(), "--cluster-id", clusterId));
        args.addAll(extraArgs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            int rc = (int) execute.invoke(null, args.toArray(String[]::new), ps);
            if (rc != 0) {
                throw new IOException("kafka-storage format failed for " + properties + ": " + out.toString(StandardCharsets.UTF_8));
            }
        } catch (InvocationTargetException e) {
            throw new IOException("kafka-storage format failed for " + properties + ": " + e.getCause().getMessage()
                    + "\n" + out.toString(StandardCharsets.UTF_8), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
