package io.keks.local;

import io.keks.model.KafkaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Finds the jars of a Kafka version: the bundled one from the keks build, any other released
 * version resolved from Maven Central on first use and cached under {@code KEKS_HOME/kafka/VERSION}.
 */
public final class KafkaDistributions {
    private static final String COMPLETE = ".complete";
    private final Path bundleRoot;
    private final Path cacheRoot;
    private final Consumer<String> progress;

    public KafkaDistributions(Path bundleRoot, Path cacheRoot, Consumer<String> progress) {
        this.bundleRoot = bundleRoot;
        this.cacheRoot = cacheRoot;
        this.progress = progress;
    }

    /** The JMX Prometheus exporter agent nodes run for spec.kafka.metricsConfig; keep equal to jmx.exporter.version in the poms. */
    static final String METRICS_AGENT = "io.prometheus.jmx:jmx_prometheus_javaagent:1.0.1";

    /** Strimzi's metrics reporter nodes load for metricsConfig of type strimziMetricsReporter; keep equal to metrics.reporter.version. */
    static final String METRICS_REPORTER = "io.strimzi:metrics-reporter:0.2.0";

    /** What the nodes need to serve {@code metrics}: the agent's jar or the reporter's directory of jars; null for none. */
    public Path metricsJars(java.util.Optional<io.keks.model.MetricsSpec> metrics) throws IOException {
        if (metrics.isEmpty()) {
            return null;
        }
        return metrics.get().agent() ? metricsAgent() : metricsReporter();
    }

    /**
     * The directory of the metrics reporter's jars and the Prometheus client's it needs: bundled beside the Kafka
     * versions (they join a node's class path only when asked for), else fetched from Maven Central once into the cache.
     */
    public Path metricsReporter() throws IOException {
        if (bundleRoot != null) {
            Path bundled = bundleRoot.resolve("reporter");
            if (Files.exists(bundled.resolve("metrics-reporter-" + new DefaultArtifact(METRICS_REPORTER).getVersion() + ".jar"))) {
                return bundled;
            }
        }
        Path cached = cacheRoot.resolve("reporter-" + new DefaultArtifact(METRICS_REPORTER).getVersion());
        if (!Files.exists(cached.resolve(COMPLETE))) {
            progress.accept("Strimzi's metrics reporter is not bundled; fetching it from Maven Central (once, cached in " + cached + ")");
            resolve(List.of(METRICS_REPORTER), cached, "Strimzi's metrics reporter");
        }
        return cached;
    }

    /**
     * The agent's jar: bundled beside the Kafka versions (never on a node's class path), else
     * fetched from Maven Central once into the cache.
     */
    public Path metricsAgent() throws IOException {
        if (bundleRoot != null) {
            Path bundled = bundleRoot.resolve("agents").resolve("jmx_prometheus_javaagent.jar");
            if (Files.exists(bundled)) {
                return bundled;
            }
        }
        DefaultArtifact artifact = new DefaultArtifact(METRICS_AGENT);
        Path cached = cacheRoot.resolve("agents").resolve(artifact.getArtifactId() + "-" + artifact.getVersion() + ".jar");
        if (Files.exists(cached)) {
            return cached;
        }
        progress.accept("the JMX Prometheus exporter agent is not bundled; fetching it from Maven Central (once, cached in "
                + cached.getParent() + ")");
        RepositorySystem system = new RepositorySystemSupplier().get();
        try {
            var request = new org.eclipse.aether.resolution.ArtifactRequest(artifact,
                    List.of(new RemoteRepository.Builder("central", "default", centralUrl()).build()), null);
            Path jar = system.resolveArtifact(session(system), request).getArtifact().getFile().toPath();
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), "agent", ".partial");
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } catch (org.eclipse.aether.resolution.ArtifactResolutionException e) {
            throw new IOException("cannot fetch " + METRICS_AGENT + " from Maven Central (is the network reachable?) for"
                    + " spec.kafka.metricsConfig: " + e.getMessage(), e);
        } finally {
            system.shutdown();
        }
    }

    /** The directory of Kafka's jars for {@code version}, fetching them first when needed. */
    public Path libDir(KafkaVersion version) throws IOException {
        if (bundleRoot != null) {
            Path bundled = bundleRoot.resolve(version.toString());
            if (hasJars(bundled)) {
                return bundled;
            }
        }
        Path cached = cacheRoot.resolve(version.toString());
        if (Files.exists(cached.resolve(COMPLETE))) {
            return cached;
        }
        progress.accept("Kafka " + version + " is not bundled; fetching it from Maven Central (once, cached in "
                + cached + ")");
        resolve(artifacts(version), cached, "Kafka " + version);
        return cached;
    }

    /**
     * The class path of Kafka's own command-line tools for {@code version} (ProducerPerformance,
     * ConsumerPerformance, EndToEndLatency): Kafka's jars, and the kafka-tools jar with what it needs
     * where a cache made before keks ran these tools lacks it (fetched once into
     * {@code <cache>/<version>-tools}).
     */
    public List<Path> toolsClasspath(KafkaVersion version) throws IOException {
        Path lib = libDir(version);
        try (Stream<Path> s = Files.list(lib)) {
            if (s.anyMatch(p -> p.getFileName().toString().startsWith("kafka-tools-" + version))) {
                return List.of(lib);
            }
        }
        Path tools = cacheRoot.resolve(version + "-tools");
        if (!Files.exists(tools.resolve(COMPLETE))) {
            progress.accept("Kafka " + version + "'s command-line tools are not there; fetching them from Maven Central (once, cached in "
                    + tools + ")");
            resolve(List.of("org.apache.kafka:kafka-tools:" + version), tools, "Kafka " + version + "'s tools");
        }
        return List.of(lib, tools);
    }

    private static boolean hasJars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"));
        }
    }

    /** What a node of {@code version} needs besides Kafka's own POM: the logging backend its distribution ships. */
    static List<String> artifacts(KafkaVersion version) {
        List<String> coords = new ArrayList<>();
        coords.add("org.apache.kafka:kafka_2.13:" + version);
        // as in Kafka's own distribution: the performance tools `keks perf-test` runs
        coords.add("org.apache.kafka:kafka-tools:" + version);
        if (version.atLeast(new KafkaVersion(4, 0, 0))) {
            coords.add("org.slf4j:slf4j-api:2.0.17");
            coords.add("org.apache.logging.log4j:log4j-core:2.25.3");
            coords.add("org.apache.logging.log4j:log4j-slf4j2-impl:2.25.3");
        } else {
            coords.add("org.slf4j:slf4j-reload4j:1.7.36");
            coords.add("ch.qos.reload4j:reload4j:1.2.25");
        }
        return coords;
    }

    private void resolve(List<String> artifacts, Path target, String what) throws IOException {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try {
            RepositorySystemSession session = session(system);
            CollectRequest collect = new CollectRequest();
            for (String coords : artifacts) {
                DefaultArtifact artifact = new DefaultArtifact(coords);
                // kafka-tools: the Connect plugin tool's dependencies stay out, as in the bundle (kafka-bundle/pom.xml)
                List<org.eclipse.aether.graph.Exclusion> exclusions = artifact.getArtifactId().equals("kafka-tools")
                        ? List.of(new org.eclipse.aether.graph.Exclusion("org.apache.kafka", "connect-runtime", "*", "*"),
                                new org.eclipse.aether.graph.Exclusion("com.fasterxml.jackson.dataformat", "jackson-dataformat-csv", "*", "*"))
                        : List.of();
                collect.addDependency(new Dependency(artifact, JavaScopes.RUNTIME, false, exclusions));
            }
            collect.addRepository(new RemoteRepository.Builder("central", "default", centralUrl()).build());
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<ArtifactResult> results = system.resolveDependencies(session, request).getArtifactResults();
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, target.getFileName() + ".partial");
            for (ArtifactResult r : results) {
                Path jar = r.getArtifact().getFile().toPath();
                Files.copy(jar, tmp.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(tmp.resolve(COMPLETE), results.size() + " jars\n");
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept(what + " fetched: " + results.size() + " jars");
        } catch (org.eclipse.aether.resolution.DependencyResolutionException e) {
            throw new IOException("cannot fetch " + what + " from Maven Central (is it a released version,"
                    + " and is the network reachable?): " + e.getMessage(), e);
        } finally {
            system.shutdown();
        }
    }

    private RepositorySystemSession session(RepositorySystem system) {
        // Maven's own session: it skips test, provided and optional dependencies of dependencies,
        // as a Maven build does (a bare session walks them all, thousands of POMs)
        var session = org.apache.maven.repository.internal.MavenRepositorySystemUtils.newSession();
        // POMs interpolate ${java.version} and the like; without these they fail to build
        session.setSystemProperties(System.getProperties());
        session.setConfigProperties(System.getProperties());
        Path local = Path.of(System.getProperty("user.home"), ".m2", "repository");
        String override = System.getenv("KEKS_MAVEN_LOCAL_REPOSITORY");
        if (override != null && !override.isBlank()) {
            local = Path.of(override);
        }
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(local.toFile())));
        AtomicInteger jars = new AtomicInteger();
        session.setTransferListener(new org.eclipse.aether.transfer.AbstractTransferListener() {
            @Override
            public void transferSucceeded(org.eclipse.aether.transfer.TransferEvent event) {
                String name = event.getResource().getResourceName();
                if (name.endsWith(".jar") && jars.incrementAndGet() % 10 == 0) {
                    progress.accept("downloaded " + jars.get() + " jars");
                }
            }
        });
        return session;
    }

    /**
     * Maven Central's address, taken from Maven's own super POM (shipped in maven-model-builder)
     * so keks follows Maven; KEKS_MAVEN_REPOSITORY points at a mirror instead.
     */
    static String centralUrl() throws IOException {
        String override = System.getenv("KEKS_MAVEN_REPOSITORY");
        if (override != null && !override.isBlank()) {
            return override;
        }
        try (InputStream in = org.apache.maven.model.Model.class.getClassLoader()
                .getResourceAsStream("org/apache/maven/model/pom-4.0.0.xml")) {
            if (in == null) {
                throw new IOException("Maven's super POM is not on the class path; set KEKS_MAVEN_REPOSITORY");
            }
            String pom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<repository>.*?<url>([^<]+)</url>", Pattern.DOTALL).matcher(pom);
            if (!m.find()) {
                throw new IOException("no repository in Maven's super POM; set KEKS_MAVEN_REPOSITORY");
            }
            return m.group(1).trim();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
