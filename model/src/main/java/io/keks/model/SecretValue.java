package io.keks.model;

/**
 * A password or key read from the manifests. Its {@link #toString()} hides it, so a record that
 * holds one can be logged or printed without giving it away; {@link #reveal()} is the one way in.
 */
public record SecretValue(String value) {
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "(hidden)";
    }
}
