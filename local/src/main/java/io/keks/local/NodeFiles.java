package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keks.engine.ClusterObserver;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.security.Pem;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ExporterSpec;
import io.keks.model.MetricsSpec;
import io.keks.model.Role;
import io.keks.model.ServerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * The files of a local cluster's nodes: what keks writes for them from the manifests (server.properties,
 * the metrics rules, the exporter's patterns) and what each node recorded when it last started (its
 * configuration, Kafka version and certificate), from which the engine's {@link ClusterImage} is read.
 */
final class NodeFiles {
    private final Path dir;
    private final DesiredCluster desired;
    private final ClusterState state;
    private final LocalAddressing addressing;
    private final NodeProcesses processes;

    NodeFiles(Path dir, DesiredCluster desired, ClusterState state, LocalAddressing addressing, NodeProcesses processes) {
        this.dir = dir;
        this.desired = desired;
        this.state = state;
        this.addressing = addressing;
        this.processes = processes;
    }

    static Path metricsRulesFile(Path dir) {
        return dir.resolve("conf").resolve("metrics-rules.yml");
    }

    private static Path exporterFile(Path dir) {
        return dir.resolve("conf").resolve("exporter.json");
    }

    /** Each desired node's server.properties, the metrics rules and the exporter's patterns, as the manifests say. */
    void write() throws IOException {
        // the rules are replaced whole: the agent in a running node re-reads the file when it changes
        replace(metricsRulesFile(dir), desired.metricsSpec().filter(MetricsSpec::agent)
                .map(m -> m.agentRules().getBytes(StandardCharsets.UTF_8)));
        replace(exporterFile(dir), desired.exporterSpec().map(e -> {
            try {
                return new ObjectMapper().writeValueAsBytes(e);
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
        }));
        for (DesiredNode node : desired.nodes()) {
            Files.createDirectories(addressing.nodeDir(node.id()));
            String text = ServerProperties.render(ServerProperties.of(desired, node, addressing),
                    "written by keks from the manifests of Kafka " + desired.name() + "; edits are overwritten");
            ClusterHome.writePrivate(processes.configFile(node.id()), text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes {@code text} to {@code file} in one move, or deletes the file when there is none. */
    private static void replace(Path file, Optional<byte[]> text) throws IOException {
        if (text.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, text.get());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** spec.kafkaExporter as last applied, for an exporter already running to pick up changed patterns. */
    Optional<ExporterSpec> appliedExporterSpec() {
        try {
            Path f = exporterFile(dir);
            return Files.exists(f) ? Optional.of(new ObjectMapper().readValue(f.toFile(), ExporterSpec.class)) : Optional.empty();
        } catch (IOException e) {
            return desired.exporterSpec();
        }
    }

    /** The configuration node {@code id} last started with (what live changes are compared against). */
    Map<String, String> runningConfig(int id) throws IOException {
        return readProperties(processes.runningConfigFile(id));
    }

    /** Each desired node's configuration as it would start now. */
    Map<Integer, Map<String, String>> desiredConfigs() throws IOException {
        Map<Integer, Map<String, String>> wanted = new TreeMap<>();
        for (DesiredNode n : desired.nodes()) {
            wanted.put(n.id(), readProperties(processes.configFile(n.id())));
        }
        return wanted;
    }

    /** The Kafka version node {@code id} last started with, if it ever started. */
    Optional<String> runningVersion(int id) {
        try {
            Path f = processes.runningVersionFile(id);
            return Files.exists(f) ? Optional.of(Files.readString(f).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The nodes that exist: every formatted one, with the configuration and Kafka version it last
     * started with, and, through {@code admin} (null: not asked), the finalized metadata.version.
     */
    ClusterImage image(Admin admin) throws Exception {
        Map<Integer, ClusterImage.Node> nodes = new TreeMap<>();
        for (Map.Entry<Integer, String> f : state.memory().formatted().entrySet()) {
            int id = f.getKey();
            Map<String, String> running = runningConfig(id);
            Optional<DesiredNode> d = desired.nodes().stream().filter(n -> n.id() == id).findFirst();
            String version = runningVersion(id).orElse(f.getValue());
            nodes.put(id, new ClusterImage.Node(id, d.map(DesiredNode::pool).orElse(state.nodePools().getOrDefault(id, "node")),
                    d.map(DesiredNode::roles).orElseGet(() -> roles(running.get("process.roles"))),
                    d.map(DesiredNode::rack).orElse(running.get("broker.rack")), running, version, runningCertificate(id)));
        }
        OptionalInt level = admin == null ? OptionalInt.empty() : ClusterObserver.finalizedMetadataLevel(admin, 30_000);
        return new ClusterImage(nodes, level, admin == null ? Set.of() : ClusterObserver.voters(admin, 30_000));
    }

    /**
     * The serial of the certificate node {@code id} last started with; null when it has none. A node an
     * earlier keks started has no copy: it serves what its certificate file held at its start.
     */
    private String runningCertificate(int id) throws IOException {
        Path recorded = processes.runningCertificateFile(id);
        if (Files.exists(recorded)) {
            return serial(recorded);
        }
        Path current = FileCertificateStore.nodeCertificateFile(addressing.nodeDir(id));
        Optional<Instant> started = processes.find(id).flatMap(p -> p.info().startInstant());
        if (!Files.exists(current) || started.isEmpty()) {
            return null;
        }
        return Files.getLastModifiedTime(current).toInstant().isAfter(started.get()) ? "issued after it started" : serial(current);
    }

    private static String serial(Path pem) throws IOException {
        try {
            return Pem.certificate(Files.readString(pem)).getSerialNumber().toString(16);
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificate " + pem + ": " + e.getMessage(), e);
        }
    }

    private static Set<Role> roles(String processRoles) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Role r : Role.values()) {
            if (processRoles != null && List.of(processRoles.split(",")).contains(r.kafkaName())) {
                roles.add(r);
            }
        }
        return roles;
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }
}
