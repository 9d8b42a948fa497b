package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.keks.engine.user.CredentialStore;
import io.keks.engine.user.UserCredentials;
import io.keks.engine.user.UserReconciler;
import io.keks.model.DesiredUser;
import io.keks.model.SecretValue;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * The KafkaUsers of a local cluster. Each SCRAM user's password lives in
 * {@code users/<name>.properties} (key {@code password}), readable by its owner only, as Strimzi
 * keeps it in the user's Secret: generated once, or the one the KafkaUser's Secret gives. A changed
 * given password, or a deleted file (Strimzi's way to ask for a new generated one), is a rotation.
 * A TLS user gets {@code users/<name>.p12}, a key store with its certificate from the clients CA
 * (subject {@code CN=<name>}), whose password is in the same properties file, and the certificate
 * and key as PEM ({@code <name>.crt}, {@code <name>.key}); a new one when it nears its expiry.
 * Their statuses are kept in {@code users/status.json} for {@code keks get kafkausers}.
 */
public final class LocalUsers {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LocalUsers() {
    }

    public static Path passwordFile(Path clusterDir, String user) {
        return clusterDir.resolve("users").resolve(user + ".properties");
    }

    public static Path keyStoreFile(Path clusterDir, String user) {
        return clusterDir.resolve("users").resolve(user + ".p12");
    }

    public static Optional<SecretValue> password(Path clusterDir, String user) throws IOException {
        Path f = passwordFile(clusterDir, user);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return Optional.ofNullable(p.getProperty("password")).map(SecretValue::new);
    }

    /** The SASL properties a client of a SCRAM listener logs in as {@code user} with. */
    static Map<String, String> saslProperties(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", UserCredentials.scramJaasConfig(user, password));
        return p;
    }

    public record UserStatus(String name, String username, String authentication, boolean ready, String reason, String message,
                             int acls, boolean quotas) {
    }

    /**
     * @param writes Admin calls that changed something in Kafka; 0 when every user was in sync
     * @param result what the engine's UserReconciler said
     */
    public record Reconciled(List<UserStatus> users, int writes, UserReconciler.Result result) {
    }

    /**
     * Brings Kafka in line with the cluster's KafkaUsers: passwords settled in their files first,
     * then one {@link UserReconciler} pass; statuses stored and returned.
     */
    public static Reconciled reconcile(LocalCluster cluster) throws IOException, InterruptedException {
        List<DesiredUser> users = cluster.desired().users();
        // a credential the last reconciliation did not get into Kafka is written again
        Set<String> lastFailed = new HashSet<>();
        statuses(cluster.dir()).values().stream().filter(s -> !s.ready()).forEach(s -> lastFailed.add(s.name()));
        // (only TLS users need the clients CA; a cluster with users always keeps certificates, being secured)
        UserCredentials credentials = UserCredentials.settle(users, cluster.desired(), new UserFiles(cluster),
                users.stream().anyMatch(u -> DesiredUser.TLS.equals(u.authentication())) ? cluster.certificateStore() : null,
                lastFailed, m -> { });
        Map<String, SecretValue> passwords = credentials.passwords();
        Set<String> changed = credentials.changed();
        UserReconciler.Result result;
        try (Admin admin = cluster.admin()) {
            result = new UserReconciler(admin, 30_000).reconcile(users, passwords, changed);
        }
        List<UserStatus> out = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            DesiredUser u = users.get(i);
            UserReconciler.UserStatus s = result.statuses().get(i);
            out.add(new UserStatus(u.name(), s.username(), u.authentication(), s.ready(), s.reason(), s.message(),
                    bindings(u), u.quotas() != null));
        }
        Files.createDirectories(cluster.dir().resolve("users"));
        JSON.writeValue(cluster.dir().resolve("users").resolve("status.json").toFile(), out);
        return new Reconciled(out, result.writes(), result);
    }

    /** Where a TLS user's certificate and key are also kept as PEM, as Strimzi's user Secret has them (user.crt, user.key). */
    public static Path certificateFile(Path clusterDir, String user) {
        return clusterDir.resolve("users").resolve(user + ".crt");
    }

    /** The clients CA certificate a TLS user's was issued under, as the ca.crt of Strimzi's user Secret. */
    public static Path issuerFile(Path clusterDir, String user) {
        return clusterDir.resolve("users").resolve(user + "-ca.crt");
    }

    public static Path keyFile(Path clusterDir, String user) {
        return clusterDir.resolve("users").resolve(user + ".key");
    }

    private static void writePassword(LocalCluster cluster, DesiredUser u, String password, String what) throws IOException {
        Properties p = new Properties();
        p.setProperty("password", password);
        StringWriter text = new StringWriter();
        p.store(text, "KafkaUser " + u.name() + ": " + what + " (keks credentials " + u.name() + ")");
        ClusterHome.writePrivate(passwordFile(cluster.dir(), u.name()), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes a KafkaUser: what Kafka holds for it (credential, ACLs, quotas, whichever way it logged
     * in), its password and certificate files, its status and its stored manifest. Returns what was done.
     */
    public static String delete(LocalCluster cluster, String name) throws IOException, InterruptedException {
        if (cluster.desired().users().stream().noneMatch(u -> u.name().equals(name))) {
            throw new IllegalArgumentException("no KafkaUser " + name + " in cluster " + cluster.desired().name()
                    + "; `keks get kafkausers` lists them");
        }
        String inKafka;
        if (cluster.anyNodeRunning()) {
            try (Admin admin = cluster.admin()) {
                int writes = new UserReconciler(admin, 30_000).remove(List.of(name));
                inKafka = writes == 0 ? "Kafka held nothing for it" : "its credential, ACLs and quotas are gone from Kafka";
            }
        } else {
            throw new IllegalArgumentException("cluster " + cluster.desired().name() + " is not running, so Kafka cannot be asked to"
                    + " forget KafkaUser " + name + "; `keks up` first, then delete it");
        }
        Files.deleteIfExists(passwordFile(cluster.dir(), name));
        Files.deleteIfExists(keyStoreFile(cluster.dir(), name));
        Files.deleteIfExists(keyFile(cluster.dir(), name));
        Files.deleteIfExists(certificateFile(cluster.dir(), name));
        Files.deleteIfExists(issuerFile(cluster.dir(), name));
        Map<String, UserStatus> left = statuses(cluster.dir());
        left.remove(name);
        Files.createDirectories(cluster.dir().resolve("users"));
        JSON.writeValue(cluster.dir().resolve("users").resolve("status.json").toFile(), List.copyOf(left.values()));
        StoredManifests.deleteUser(cluster.dir(), name);
        return inKafka;
    }

    /** When the last reconciliation wrote its statuses (now, when none did). */
    public static Instant statusesWritten(Path clusterDir) {
        try {
            return Files.getLastModifiedTime(clusterDir.resolve("users").resolve("status.json")).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    /** The statuses of the last reconciliation, by user name. */
    public static Map<String, UserStatus> statuses(Path clusterDir) {
        Path f = clusterDir.resolve("users").resolve("status.json");
        Map<String, UserStatus> out = new LinkedHashMap<>();
        if (!Files.exists(f)) {
            return out;
        }
        try {
            for (UserStatus s : JSON.readValue(f.toFile(), UserStatus[].class)) {
                out.put(s.name(), s);
            }
        } catch (IOException e) {
            // shown as not yet reconciled
        }
        return out;
    }


    /** How many ACL bindings (one per operation of each rule) a user's rules make. */
    private static int bindings(DesiredUser u) {
        return u.acls().stream().mapToInt(a -> a.operations().size()).sum();
    }

    /** The users' credentials in their files, for the engine's {@link UserCredentials}. */
    private record UserFiles(LocalCluster cluster) implements CredentialStore {
        @Override
        public Optional<SecretValue> password(String user) throws IOException {
            return LocalUsers.password(cluster.dir(), user);
        }

        @Override
        public void savePassword(DesiredUser user, SecretValue password) throws IOException {
            writePassword(cluster, user, password.reveal(), "its SCRAM-SHA-512 password");
        }

        @Override
        public Optional<Issued> certificate(String user) throws IOException {
            Path crt = certificateFile(cluster.dir(), user);
            if (!Files.exists(keyStoreFile(cluster.dir(), user)) || !Files.exists(crt)) {
                return Optional.empty();
            }
            Path issuer = issuerFile(cluster.dir(), user);
            try {
                return Optional.of(new Issued(Pem.certificate(Files.readString(crt)),
                        Files.exists(issuer) ? Files.readString(issuer) : null));
            } catch (CertificateException e) {
                return Optional.empty();
            }
        }

        @Override
        public void saveCertificate(DesiredUser user, ClusterCa.UserCertificate cert, String keyStorePassword, ClusterCa clientsCa)
                throws IOException {
            ClusterHome.writePrivate(keyStoreFile(cluster.dir(), user.name()), cert.keyStore());
            ClusterHome.writePrivate(keyFile(cluster.dir(), user.name()), cert.keyPem().getBytes(StandardCharsets.UTF_8));
            Files.writeString(certificateFile(cluster.dir(), user.name()), cert.certificatePem());
            Files.writeString(issuerFile(cluster.dir(), user.name()), clientsCa.certificatePem());
            writePassword(cluster, user, keyStorePassword, "the password of its key store " + user.name() + ".p12");
        }
    }
}
