package io.keks.cli;

import io.keks.local.LocalCluster;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "credentials", description = {"Print Kafka client properties that log in as a KafkaUser: bootstrap.servers,",
        "security.protocol, sasl.mechanism and sasl.jaas.config (and the trust store of a TLS listener). Any Kafka",
        "client can use them as they are. The password is not printed: the properties read it from the user's",
        "password file (readable by its owner only) through Kafka's FileConfigProvider."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks credentials orders-app > orders-app.properties",
                "  kafka-console-producer.sh --bootstrap-server 127.0.0.1:9092 --topic orders \\",
                "      --producer.config orders-app.properties",
                "  keks credentials orders-app --listener scramtls"})
final class CredentialsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "USER", description = "The KafkaUser (its metadata.name).")
    String user;

    @Option(names = "--listener", paramLabel = "NAME",
            description = "The listener to connect through (default: the first with authentication scram-sha-512).")
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
        if (!DesiredUser.SCRAM.equals(u.authentication())) {
            err.println("error: KafkaUser " + user + " has no spec.authentication of type scram-sha-512, so it has no password"
                    + " to log in with");
            return 1;
        }
        ListenerSpec l = listener != null ? c.listener(listener)
                : c.desired().listeners().stream().filter(ListenerSpec::scram).findFirst().orElse(null);
        if (l == null || !l.scram()) {
            err.println("error: " + (l == null ? "Kafka " + c.desired().name() + " has no listener" : "listener " + l.name() + " has no")
                    + " authentication scram-sha-512; KafkaUser " + user + " logs in on one that has");
            return 1;
        }
        Path file = LocalUsers.passwordFile(c.dir(), user);
        if (LocalUsers.password(c.dir(), user).isEmpty()) {
            err.println("error: KafkaUser " + user + " has no password yet; `keks apply` (or `keks up`) with it makes one");
            return 1;
        }
        Properties base = c.clientProperties(l.name());
        Map<String, String> props = new LinkedHashMap<>();
        new TreeSet<>(base.stringPropertyNames()).forEach(k -> props.put(k, base.getProperty(k)));
        if (props.containsKey("ssl.truststore.password")) {
            props.put("ssl.truststore.password", "${keks:" + LocalCluster.storePasswordProperties(c.dir()) + ":password}");
        }
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("config.providers", "keks");
        props.put("config.providers.keks.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"${keks:" + file + ":password}\";");
        out.println("# Kafka client properties for KafkaUser " + user + " on listener " + l.name() + " of Kafka " + c.desired().name());
        out.println("# The password stays in " + file + " (readable by its owner only); the client reads it from there,");
        out.println("# as it reads the trust store's password of a TLS listener from the cluster's ca/ directory.");
        props.forEach((k, v) -> out.println(k + "=" + v));
        out.flush();
        return 0;
    }
}
