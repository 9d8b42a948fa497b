package io.keks.local;

import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts, finds and stops the JVM of each node. A node is identified by the pid in its pid file,
 * and only counted as ours while that process still runs kafka.Kafka with the node's config.
 */
final class NodeProcesses {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /**
     * The JVM writes a class archive beside the metrics agent only when allowed to, and then only
     * uses that archive with the same setting (without it the archive is silently unused: a warm
     * seed cluster took 12.9 s to be ready instead of 10). Every node gets it, agent or not, so one
     * archive serves clusters with and without metrics.
     */
    private static final List<String> ARCHIVE_AGENT_FLAGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent");
    private final LocalAddressing addressing;
    private final Path libDir;
    private final KafkaVersion version;
    private final Path cdsDir;
    private final Optional<Metrics> metrics;

    /** How each node serves its metrics (spec.kafka.metricsConfig). */
    sealed interface Metrics permits MetricsAgent, MetricsReporter {
        /** @param jars the agent's jar, or the reporter's directory of jars (KafkaDistributions.metricsJars) */
        static Metrics of(io.keks.model.MetricsSpec spec, Path jars, Path rules) {
            return spec.agent() ? new MetricsAgent(jars, rules) : new MetricsReporter(jars);
        }
    }

    /** The JMX Prometheus exporter agent and the rules it reads (type jmxPrometheusExporter). */
    record MetricsAgent(Path jar, Path rules) implements Metrics {
    }

    /** Strimzi's metrics reporter: its jars join Kafka's on the class path, and server.properties turns it on. */
    record MetricsReporter(Path libs) implements Metrics {
    }

    NodeProcesses(LocalAddressing addressing, Path libDir, KafkaVersion version, Path cdsDir, Optional<Metrics> metrics) {
        this.addressing = addressing;
        this.libDir = libDir;
        this.version = version;
        this.cdsDir = cdsDir;
        this.metrics = metrics;
    }

    Path configFile(int id) {
        return addressing.nodeDir(id).resolve("server.properties");
    }

    /** The server.properties the running node started with (server.properties may since have changed). */
    Path runningConfigFile(int id) {
        return addressing.nodeDir(id).resolve("running.properties");
    }

    /** The Kafka version the node last started with. */
    Path runningVersionFile(int id) {
        return addressing.nodeDir(id).resolve("running.version");
    }

    /** A copy of the certificate the node last started with (none when it has no certificate). */
    Path runningCertificateFile(int id) {
        return addressing.nodeDir(id).resolve("running-certificate.pem");
    }

    Path logFile(int id) {
        return addressing.nodeDir(id).resolve("kafka.log");
    }

    private Path pidFile(int id) {
        return addressing.nodeDir(id).resolve("pid");
    }

    /** The running process of node {@code id}, if there is one. */
    Optional<ProcessHandle> find(int id) {
        return running(addressing.nodeDir(id), true);
    }

    /**
     * The live process the pid file of the node in {@code nodeDir} names, when it was started with that node's
     * server.properties (a pid the system gave to another program since is not the node); {@code unknownIsNode}:
     * what to assume when the system does not show a process's arguments.
     */
    /** Whether a Kafka process runs for any node directory of the cluster in {@code clusterDir}, found from its files alone. */
    static boolean anyRunning(Path clusterDir) throws IOException {
        Path nodes = clusterDir.resolve("nodes");
        if (!Files.isDirectory(nodes)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(nodes)) {
            return dirs.anyMatch(d -> running(d, false).isPresent());
        }
    }

    static Optional<ProcessHandle> running(Path nodeDir, boolean unknownIsNode) {
        try {
            Path pidFile = nodeDir.resolve("pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            String config = nodeDir.resolve("server.properties").toString();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(config)).orElse(unknownIsNode));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the node's JVM; its output is appended to kafka.log. */
    ProcessHandle start(DesiredNode node, boolean trainClassCache) throws IOException {
        Path dir = addressing.nodeDir(node.id());
        List<String> cmd = command(node, trainClassCache);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(node.id()).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // what it starts with: a later apply compares against it to tell whether the node needs a restart
        ClusterHome.writePrivate(runningConfigFile(node.id()), Files.readAllBytes(configFile(node.id())));
        Files.writeString(runningVersionFile(node.id()), version + "\n");
        Path certificate = FileCertificateStore.nodeCertificateFile(addressing.nodeDir(node.id()));
        if (Files.exists(certificate)) {
            Files.copy(certificate, runningCertificateFile(node.id()), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(runningCertificateFile(node.id()));
        }
        Process p = pb.start();
        Files.writeString(pidFile(node.id()), p.pid() + "\n");
        return p.toHandle();
    }

    /** The node's command line: its JVM, tuned for its roles, with the class archive, metrics agent and logging it needs. */
    private List<String> command(DesiredNode node, boolean trainClassCache) throws IOException {
        Path dir = addressing.nodeDir(node.id());
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // its own session: Ctrl-C in keks' terminal must not reach every node at once (controllers
            // gone before brokers finish a controlled shutdown); keks stops nodes in order itself.
            // A child of the JVM is never a group leader, so setsid keeps the pid (no fork).
            cmd.add(SETSID.toString());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + node.heap().xms());
        cmd.add("-Xmx" + node.heap().xmx());
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        if (!node.isBroker()) {
            // a controller's work is small and latency-bound: the client compiler and a serial
            // collector start it with far less CPU, which the brokers starting beside it need
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-XX:+UseSerialGC");
        } else {
            // six JVMs start on few cores, and the optimising compiler takes about 40% of a broker's
            // CPU while it starts; asking for more calls before it compiles a method leaves that CPU to
            // the start itself (ready about 0.8 s sooner here), while code that stays hot, as under
            // load, is still compiled within seconds
            cmd.addAll(List.of("-XX:Tier4InvocationThreshold=40000", "-XX:Tier4MinInvocationThreshold=20000",
                    "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=400000"));
        }
        String extra = System.getenv("KEKS_NODE_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-Djava.awt.headless=true");
        Path archive = classArchive();
        if (Files.exists(archive)) {
            cmd.addAll(ARCHIVE_AGENT_FLAGS);
            cmd.add("-XX:SharedArchiveFile=" + archive);
            cmd.add("-Xlog:cds=off,cds+dynamic=off");
        } else if (trainClassCache) {
            Files.createDirectories(cdsDir);
            cmd.addAll(ARCHIVE_AGENT_FLAGS);
            cmd.add("-XX:ArchiveClassesAtExit=" + trainingArchive(node.id()));
            cmd.add("-Xlog:cds=off,cds+dynamic=off");
        }
        if (metrics.orElse(null) instanceof MetricsAgent m) {
            cmd.add("-javaagent:" + m.jar() + "=" + LocalAddressing.HOST + ":" + addressing.metricsPort(node.id()) + ":" + m.rules());
        }
        cmd.add("-Dkafka.logs.dir=" + dir);
        if (version.atLeast(new KafkaVersion(4, 0, 0))) {
            cmd.add("-Dlog4j2.configurationFile=" + writeLogConfig(dir.getParent().getParent(), "log4j2.properties", LOG4J2));
        } else {
            cmd.add("-Dlog4j.configuration=file:" + writeLogConfig(dir.getParent().getParent(), "log4j.properties", LOG4J1));
        }
        cmd.add("-cp");
        // the reporter's jars after Kafka's, so that the class archive, made from Kafka's alone, still applies
        cmd.add(libDir.resolve("*") + (metrics.orElse(null) instanceof MetricsReporter r ? File.pathSeparator + r.libs().resolve("*") : ""));
        cmd.add("kafka.Kafka");
        cmd.add(configFile(node.id()).toString());
        return cmd;
    }

    /** Stops the node (SIGTERM, so a broker shuts down in a controlled way), killing it after {@code grace}. */
    boolean stop(int id, Duration grace) {
        Optional<ProcessHandle> handle = find(id);
        if (handle.isEmpty()) {
            return false;
        }
        ProcessHandle p = handle.get();
        p.destroy();
        try {
            p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller through find()
            }
        }
        adoptTrainedArchive(id);
        return true;
    }

    private Path classArchive() {
        // "-agents": archives written before ARCHIVE_AGENT_FLAGS were not, and would be ignored now
        return cdsDir.resolve("kafka-" + version + "-jdk-" + Runtime.version().toString().replace('+', '_') + "-agents.jsa");
    }

    private Path trainingArchive(int id) {
        return cdsDir.resolve(classArchive().getFileName() + "." + id + ".tmp");
    }

    /** A node started to train the class archive writes it when it exits normally; keep it for the next start. */
    private void adoptTrainedArchive(int id) {
        Path tmp = trainingArchive(id);
        try {
            if (Files.exists(tmp) && Files.size(tmp) > 0 && !Files.exists(classArchive())) {
                Files.move(tmp, classArchive(), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // only a missed speed-up
        }
    }

    private static Path writeLogConfig(Path clusterDir, String name, String text) throws IOException {
        Path file = clusterDir.resolve("conf").resolve(name);
        if (!Files.exists(file) || !Files.readString(file).equals(text)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        return file;
    }

    private static final String LOG4J2 = """
            # Kafka node logging, written by keks: INFO to the node's kafka.log (its stdout)
            rootLogger.level = INFO
            rootLogger.appenderRef.stdout.ref = STDOUT
            appender.stdout.type = Console
            appender.stdout.name = STDOUT
            appender.stdout.layout.type = PatternLayout
            appender.stdout.layout.pattern = [%d] %p %m (%c)%n
            logger.kafka.name = org.apache.kafka
            logger.kafka.level = INFO
            logger.request.name = kafka.request.logger
            logger.request.level = WARN
            """;

    private static final String LOG4J1 = """
            # Kafka node logging, written by keks: INFO to the node's kafka.log (its stdout)
            log4j.rootLogger=INFO, stdout
            log4j.appender.stdout=org.apache.log4j.ConsoleAppender
            log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
            log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
            log4j.logger.kafka.request.logger=WARN
            """;
}
