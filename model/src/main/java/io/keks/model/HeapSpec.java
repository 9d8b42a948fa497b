package io.keks.model;

/**
 * The JVM heap a node gets here. {@code requested} is what the manifest asked for (for the note
 * printed when keks scales it down to fit this machine).
 */
public record HeapSpec(String xms, String xmx, String requested, boolean scaledDown) {
}
