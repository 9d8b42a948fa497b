package io.keks.local;

import io.keks.engine.AdminTimeouts;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredUser;
import io.keks.model.ListenerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import io.keks.engine.security.ClusterCa;
import java.util.List;

/**
 * How clients reach a local cluster: each listener's bootstrap and client properties (with a KafkaUser's
 * credentials when the listener asks for them), the properties files under {@code clients/}, and the
 * Admin clients keks itself uses.
 */
public final class LocalConnections {
    private final Path dir;
    private final DesiredCluster desired;
    private final LocalAddressing addressing;
    private final Optional<String> storePassword;

    /** @param storePassword the key and trust stores' password; empty when the cluster keeps no stores */
    LocalConnections(Path dir, DesiredCluster desired, LocalAddressing addressing, Optional<String> storePassword) {
        this.dir = dir;
        this.desired = desired;
        this.addressing = addressing;
        this.storePassword = storePassword;
    }

    /** The key and trust stores' password as a properties file (key {@code password}), readable by its owner only. */
    public static Path storePasswordProperties(Path dir) {
        return dir.resolve("ca").resolve("store-password.properties");
    }

    /**
     * The stores' password of the cluster in {@code dir}, made on first need: a cluster with a TLS listener,
     * internal TLS or users with credentials keeps stores; any other has none.
     */
    static Optional<String> storePassword(Path dir, DesiredCluster desired, boolean internalTls) throws IOException {
        if (desired.listeners().stream().noneMatch(ListenerSpec::tls) && !internalTls && !desired.needsClientsCa()) {
            return Optional.empty();
        }
        Path file = dir.resolve("ca").resolve("store-password");
        if (!Files.exists(file)) {
            ClusterHome.writePrivate(file, ClusterCa.newPassword().getBytes(StandardCharsets.UTF_8));
        }
        String password = Files.readString(file).trim();
        Path forClients = storePasswordProperties(dir);
        if (!Files.exists(forClients)) {
            // the same password as a properties file, for clients to read through Kafka's FileConfigProvider
            ClusterHome.writePrivate(forClients, ("password=" + password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Optional.of(password);
    }

    /** The client properties file of a listener ({@code null}: the first listener) of the cluster in {@code dir}. */
    public static Path clientFile(Path dir, String listenerName) {
        return listenerName == null ? dir.resolve("client.properties") : dir.resolve("clients").resolve(listenerName + ".properties");
    }

    /**
     * Client properties for each listener under {@code clients/}, and the first listener's as
     * {@code client.properties}: any Kafka client can use them as they are, and {@code keks produce}
     * and {@code consume} read them instead of the manifests.
     */
    void writeClientFiles() throws IOException {
        for (ListenerSpec l : desired.listeners()) {
            boolean first = l == desired.listeners().get(0);
            if (l.authentication() != null) {
                // a client of this listener logs in as a KafkaUser: `keks credentials USER` gives its properties
                Files.deleteIfExists(clientFile(dir, l.name()));
                if (first) {
                    Files.deleteIfExists(clientFile(dir, null));
                }
                continue;
            }
            StringBuilder sb = new StringBuilder("# Kafka client properties for listener " + l.name() + " of Kafka " + desired.name()
                    + ", written by keks on apply; edits are overwritten\n");
            Properties p = clientProperties(l.name());
            new TreeSet<>(p.stringPropertyNames()).forEach(k -> sb.append(k).append('=').append(p.getProperty(k)).append('\n'));
            byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
            ClusterHome.writePrivate(clientFile(dir, l.name()), text);
            if (first) {
                ClusterHome.writePrivate(clientFile(dir, null), text);
            }
        }
    }

    /**
     * Client properties for a listener (the first one when {@code listenerName} is null) as KafkaUser
     * {@code user} (null: none). A SCRAM listener needs a user; the password is put in the properties,
     * which the caller keeps to itself.
     */
    public Properties clientProperties(String listenerName, String user) throws IOException {
        ListenerSpec listener = listener(listenerName);
        Properties p = clientProperties(listenerName);
        if (listener.mutualTls()) {
            if (user == null) {
                throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                        + " asks clients for a certificate (authentication tls); name a KafkaUser with --user NAME");
            }
            Path store = LocalUsers.keyStoreFile(dir, user);
            if (!Files.exists(store)) {
                throw new IllegalArgumentException("no certificate for KafkaUser " + user + "; users with authentication tls: "
                        + usersWith(DesiredUser.TLS));
            }
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
            p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, store.toString());
            p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, LocalUsers.password(dir, user).orElseThrow().reveal());
        } else if (listener.scram()) {
            if (user == null) {
                throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                        + " asks clients to log in (scram-sha-512); name a KafkaUser with --user NAME");
            }
            LocalUsers.saslProperties(user, LocalUsers.password(dir, user).orElseThrow(() -> new IllegalArgumentException(
                    "no SCRAM password for KafkaUser " + user + "; users with authentication scram-sha-512: "
                            + usersWith(DesiredUser.SCRAM))).reveal()).forEach(p::put);
        } else if (user != null) {
            throw new IllegalArgumentException("listener " + listener.name() + " of Kafka " + desired.name()
                    + " does not authenticate clients, so --user " + user + " means nothing there; pick a listener with"
                    + " authentication: " + desired.listeners().stream().filter(l -> l.authentication() != null).map(ListenerSpec::name).toList());
        }
        return p;
    }

    private List<String> usersWith(String authentication) {
        return desired.users().stream().filter(u -> authentication.equals(u.authentication())).map(DesiredUser::name).toList();
    }

    /** Client properties for a listener (the first one when {@code listenerName} is null), without any user's credentials. */
    public Properties clientProperties(String listenerName) throws IOException {
        ListenerSpec listener = listener(listenerName);
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(listener));
        if (!listener.securityProtocol().equals("PLAINTEXT")) {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener.securityProtocol());
        }
        if (listener.tls()) {
            trustStore(p);
        }
        return p;
    }

    private void trustStore(Properties p) {
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("ca").resolve("truststore.p12").toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, storePassword.orElseThrow());
    }

    /** The listener named {@code name}, the first one when null. */
    public ListenerSpec listener(String name) {
        if (name == null) {
            return desired.listeners().get(0);
        }
        return desired.listeners().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener \"" + name + "\" in Kafka " + desired.name()
                        + "; it has " + desired.listeners().stream().map(ListenerSpec::name).toList()));
    }

    /** The brokers' addresses on {@code listener}, as bootstrap.servers takes them. */
    public String bootstrap(ListenerSpec listener) {
        return desired.brokers().stream().map(b -> LocalAddressing.HOST + ":" + addressing.port(b, listener))
                .collect(Collectors.joining(","));
    }

    /** An Admin client for keks' own calls, on the first listener (the internal one in a secured cluster). The caller closes it. */
    public Admin admin() throws IOException {
        return Admin.create(AdminTimeouts.quick(adminConnection()));
    }

    /** An Admin client for batched work over many topics, whose single calls may take Kafka a while. */
    public Admin topicAdmin() throws IOException {
        return Admin.create(AdminTimeouts.bulk(adminConnection()));
    }

    private Properties adminConnection() throws IOException {
        // in a secured cluster keks is a super user on the internal listener; otherwise the first listener serves
        // it as well and, when it is plain, spares each command a TLS set-up (about 0.1 s)
        Properties p = desired.secured() ? internalConnection() : clientProperties(null);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "keks");
        return p;
    }

    /**
     * keks' way in to a secured cluster: the brokers' replication listener, with its own certificate
     * (a super user), so that it needs no user of the manifests and no listener they may change.
     */
    private Properties internalConnection() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(ListenerSpec.REPLICATION));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        trustStore(p);
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, FileCertificateStore.adminKeyStore(dir).toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, storePassword.orElseThrow());
        return p;
    }
}
