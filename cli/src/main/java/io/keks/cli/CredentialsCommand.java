package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.local.LocalConnections;
import io.keks.local.LocalUsers;
import io.keks.model.DesiredUser;
import io.keks.model.ListenerSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "credentials", description = {"Print Kafka client properties that log in as a KafkaUser.",
        "They hold bootstrap.servers, security.protocol, and sasl.mechanism with sasl.jaas.config for a SCRAM",
        "user, or the key store with its certificate for a TLS user (and the trust store of a TLS listener).",
        "Any Kafka client can use them as they are. No password is printed: the properties read it from the",
        "user's file (readable by its owner only) through Kafka's FileConfigProvider."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks credentials orders-app > orders-app.properties",
                "  kafka-console-producer.sh --bootstrap-server 127.0.0.1:9092 --topic orders \\",
                "      --producer.config orders-app.properties",
                "  keks credentials orders-app --listener scramtls",
                "  keks credentials audit        a TLS user: its key store, on the first listener with authentication tls"})
final class CredentialsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "USER", description = "The KafkaUser (its metadata.name).")
    String user;

    @Option(names = "--listener", paramLabel = "NAME",
            description = "The listener to connect through (default: the first with the user's kind of authentication).")
    String listener;

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster c = cluster.open();
        DesiredUser u = c.desired().users().stream().filter(x -> x.name().equals(user)).findFirst().orElse(null);
        if (u == null) {
            err.println("error: no KafkaUser " + user + " in Kafka " + c.desired().name() + "; its users: "
                    + c.desired().users().stream().map(DesiredUser::name).toList());
            return 1;
        }
        boolean tls = DesiredUser.TLS.equals(u.authentication());
        if (!tls && !DesiredUser.SCRAM.equals(u.authentication())) {
            err.println("error: KafkaUser " + user + " has no spec.authentication (scram-sha-512 or tls), so it has nothing to"
                    + " log in with");
            return 1;
        }
        String kind = tls ? "tls" : "scram-sha-512";
        Predicate<ListenerSpec> fits = tls ? ListenerSpec::mutualTls : ListenerSpec::scram;
        ListenerSpec l = listener != null ? c.connections().listener(listener)
                : c.desired().listeners().stream().filter(fits).findFirst().orElse(null);
        if (l == null || !fits.test(l)) {
            err.println("error: " + (l == null ? "Kafka " + c.desired().name() + " has no listener" : "listener " + l.name() + " has no")
                    + " authentication " + kind + "; KafkaUser " + user + " logs in on one that has");
            return 1;
        }
        Path file = LocalUsers.passwordFile(c.dir(), user);
        if (LocalUsers.password(c.dir(), user).isEmpty()) {
            err.println("error: KafkaUser " + user + " has no " + (tls ? "certificate" : "password") + " yet; `keks apply`"
                    + " (or `keks up`) with it makes one");
            return 1;
        }
        Properties base = c.connections().clientProperties(l.name());
        Map<String, String> props = new LinkedHashMap<>();
        new TreeSet<>(base.stringPropertyNames()).forEach(k -> props.put(k, base.getProperty(k)));
        if (props.containsKey("ssl.truststore.password")) {
            props.put("ssl.truststore.password", "${keks:" + LocalConnections.storePasswordProperties(c.dir()) + ":password}");
        }
        props.put("config.providers", "keks");
        props.put("config.providers.keks.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        if (tls) {
            props.put("ssl.keystore.type", "PKCS12");
            props.put("ssl.keystore.location", LocalUsers.keyStoreFile(c.dir(), user).toString());
            props.put("ssl.keystore.password", "${keks:" + file + ":password}");
        } else {
            props.put("sasl.mechanism", "SCRAM-SHA-512");
            props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"${keks:" + file + ":password}\";");
        }
        out.println("# Kafka client properties for KafkaUser " + user + " on listener " + l.name() + " of Kafka " + c.desired().name());
        out.println("# The " + (tls ? "key store's password" : "password") + " stays in " + file
                + " (readable by its owner only); the client reads it from there,");
        out.println("# as it reads the trust store's password of a TLS listener from the cluster's ca/ directory.");
        props.forEach((k, v) -> out.println(k + "=" + v));
        out.flush();
        return 0;
    }
}
