package io.keks.cli;

import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --cluster} option shared by commands that act on an existing cluster. */
final class ClusterOption {
    @Option(names = "--cluster", paramLabel = "NAME",
            description = "The cluster to act on (the Kafka's metadata.name); needed only when KEKS_HOME holds several.")
    String name;

    LocalCluster open() throws IOException {
        ClusterHome home = ClusterHome.fromEnvironment();
        return LocalCluster.open(home, resolve(home));
    }

    /** The cluster's directory, found without reading its manifests. */
    Path dir() throws IOException {
        ClusterHome home = ClusterHome.fromEnvironment();
        return home.cluster(resolve(home));
    }

    private String resolve(ClusterHome home) throws IOException {
        String cluster = name;
        if (cluster == null) {
            var names = home.clusterNames();
            if (names.isEmpty()) {
                throw new IllegalStateException("no cluster in " + home.root() + "; start one with `keks up`");
            }
            if (names.size() > 1) {
                throw new IllegalStateException("several clusters in " + home.root() + " " + names + "; pick one with --cluster NAME");
            }
            cluster = names.get(0);
        }
        return cluster;
    }
}
