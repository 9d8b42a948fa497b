package io.keks.local;

/** Where long operations report what they are doing; the CLI prints it, tests may collect it. */
@FunctionalInterface
public interface Progress {
    void step(String message);

    Progress SILENT = m -> { };
}
