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

    static void print(List<Problem> problems, PrintWriter err) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort((a, b) -> Boolean.compare(a.isError(), b.isError()));
        sorted.forEach(p -> err.println(p.format()));
        err.flush();
    }
}
