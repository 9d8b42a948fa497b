package io.keks.cli;

import io.keks.engine.ManifestFiles;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.local.LocalClusterRuntime;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
     * Runs the engine's pass over a local cluster, printing the problems the model finds beyond those
     * already printed when the files were read, and its warnings. Null when the manifests are refused
     * as invalid (exit code 2).
     */
    static Reconciliation.Outcome run(LocalClusterRuntime runtime,
                                                                Reconciliation.Mode mode, Manifests read,
                                                                Reconciliation.Listener listener, PrintWriter err)
            throws Exception {
        Set<Problem> shown = new HashSet<>(read.problems());
        runtime.warning(w -> print(w.stream().filter(p -> !shown.contains(p)).toList(), err));
        try {
            return Reconciliation.run(runtime, mode, false, listener);
        } catch (ManifestException e) {
            runtime.discardIfNew();
            print(e.problems().stream().filter(p -> !shown.contains(p)).toList(), err);
            return null;
        } catch (Exception e) {
            // a late step failed for a cluster this pass made: what the earlier steps wrote goes with it
            runtime.discardIfNew();
            throw e;
        }
    }

    static void print(List<Problem> problems, PrintWriter err) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort((a, b) -> Boolean.compare(a.isError(), b.isError()));
        sorted.forEach(p -> err.println(p.format()));
        err.flush();
    }
}
