package io.keks.model.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** Manifests that cannot be used as they are; carries every problem found, errors first. */
public final class ManifestException extends RuntimeException {
    private final List<Problem> problems;

    public ManifestException(List<Problem> problems) {
        super(problems.stream().filter(Problem::isError).map(Problem::format).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }
}
