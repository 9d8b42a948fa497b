package io.keks.cli;

import io.keks.local.LocalConnections;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by produce and consume: which cluster and which listener. */
final class ClientOptions {
    @Mixin
    ClusterOption cluster;

    @Option(names = "--listener", paramLabel = "NAME", description = "Listener to connect through (default: the first, e.g. plain).")
    String listener;

    @Option(names = "--user", paramLabel = "NAME",
            description = "KafkaUser to log in as, on a listener with authentication scram-sha-512.")
    String user;

    /**
     * The listener's client properties: from the file keks wrote when the cluster was last applied
     * (fast: no manifests to read), or worked out from the manifests when there is none.
     */
    Properties properties() throws IOException {
        if (user != null) {
            return cluster.open().clientProperties(listener, user);
        }
        Path file = LocalConnections.clientFile(cluster.dir(), listener);
        if ((listener == null || listener.matches("[a-z0-9]+")) && Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            return p;
        }
        return cluster.open().clientProperties(listener, null);
    }
}
