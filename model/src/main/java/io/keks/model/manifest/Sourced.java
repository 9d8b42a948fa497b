package io.keks.model.manifest;

/** A custom resource together with the document it was read from, for precise messages later. */
public record Sourced<T>(T resource, YamlDocument document) {

    public Problem error(String pointer, String message) {
        return document.error(pointer, message);
    }

    public Problem warning(String pointer, String message) {
        return document.warning(pointer, message);
    }
}
