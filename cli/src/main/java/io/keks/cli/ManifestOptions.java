package io.keks.cli;

import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the manifests named by -f, printing warnings and errors the way compilers do. */
final class ManifestOptions {
    private ManifestOptions() {
    }

    /** Where keks is installed (set by the ./keks launcher), for the default examples. */
    static Path installDir() {
        return Path.of(System.getProperty("keks.install.dir", "."));
    }

    static Manifests read(List<Path> files, PrintWriter err) {
        Manifests m = ManifestFiles.read(files);
        print(m.problems(), err);
        return m;
    }

    /**
     * Applies the manifests to the local cluster, printing the problems the model finds beyond those
     * already printed when the files were read. Empty when they are refused.
     */
    static java.util.Optional<io.keks.local.LocalCluster> apply(Manifests manifests, io.keks.local.LocalCluster.Options options,
                                                                io.keks.local.Progress progress, PrintWriter err)
            throws java.io.IOException {
        java.util.Set<Problem> shown = new java.util.HashSet<>(manifests.problems());
        try {
            io.keks.local.LocalCluster cluster = io.keks.local.LocalCluster.apply(io.keks.local.ClusterHome.fromEnvironment(),
                    manifests, options, progress);
            print(cluster.warnings().stream().filter(p -> !shown.contains(p)).toList(), err);
            return java.util.Optional.of(cluster);
        } catch (io.keks.model.manifest.ManifestException e) {
            print(e.problems().stream().filter(p -> !shown.contains(p)).toList(), err);
            return java.util.Optional.empty();
        }
    }

    static void print(List<Problem> problems, PrintWriter err) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort((a, b) -> Boolean.compare(a.isError(), b.isError()));
        sorted.forEach(p -> err.println(p.format()));
        err.flush();
    }
}
