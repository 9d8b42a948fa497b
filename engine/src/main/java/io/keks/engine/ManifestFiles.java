package io.keks.engine;

import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads manifest files and directories (every *.yaml / *.yml below them, in name order). */
public final class ManifestFiles {
    private ManifestFiles() {
    }

    public static Manifests read(List<Path> paths) {
        Manifests all = Manifests.empty();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                all.problems().add(Problem.error(path.toString(), 0, "", "no such file or directory"));
            } else if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile).filter(ManifestFiles::isYaml).sorted().toList();
                } catch (IOException e) {
                    all.problems().add(Problem.error(path.toString(), 0, "", "cannot list directory: " + e.getMessage()));
                    continue;
                }
                if (files.isEmpty()) {
                    all.problems().add(Problem.error(path.toString(), 0, "", "directory has no .yaml or .yml files"));
                }
                for (Path file : files) {
                    all.add(readFile(file));
                }
            } else {
                all.add(readFile(path));
            }
        }
        return all;
    }

    private static boolean isYaml(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** The largest manifest file keks reads: about 250,000 KafkaTopics, far below what its heap holds once parsed. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private static Manifests readFile(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                return withProblem(Problem.error(file.toString(), 0, "", "is " + size + " bytes, more than the " + (MAX_FILE_BYTES >> 20)
                        + " MiB keks reads in one manifest file (about 250,000 KafkaTopics); split it into several files"));
            }
            return ManifestParser.parse(file.toString(), Files.readString(file));
        } catch (MalformedInputException e) {
            return withProblem(Problem.error(file.toString(), 0, "", "not UTF-8 text; save the file as UTF-8"));
        } catch (IOException e) {
            return withProblem(Problem.error(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
    }

    private static Manifests withProblem(Problem p) {
        Manifests m = Manifests.empty();
        m.problems().add(p);
        return m;
    }
}
