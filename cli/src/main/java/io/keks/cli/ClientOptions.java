package io.keks.cli;

import io.keks.local.LocalCluster;
import java.io.IOException;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by produce and consume: which cluster and which listener. */
final class ClientOptions {
    @Mixin
    ClusterOption cluster;

    @Option(names = "--listener", paramLabel = "NAME", description = "Listener to connect through (default: the first, e.g. plain).")
    String listener;

    Properties properties() throws IOException {
        LocalCluster c = cluster.open();
        return c.clientProperties(listener);
    }
}
