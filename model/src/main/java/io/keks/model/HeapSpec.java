package io.keks.model;

import java.util.Optional;

/**
 * The JVM heap a node gets here. {@code requested} is what the manifest asked for (for the note
 * printed when keks scales it down to fit this machine). {@code sizedHere}: keks chose the size to
 * fit a machine that runs every node, because the manifest gave none or more than the cap.
 */
public record HeapSpec(String xms, String xmx, String requested, boolean scaledDown, boolean sizedHere) {

    /** Where a heap keks sizes starts: nodes at rest then hold only what they use, and grow to -Xmx on demand. */
    public static final long INITIAL_BYTES = 16L << 20;

    /**
     * Kafka's log cleaner allocates its key map ({@code log.cleaner.dedupe.buffer.size}, 128 MB) in full when a
     * broker starts, a quarter of a 512m heap held from then on. A heap keks sized gets a map of a
     * thirty-second of it (16 MB at 512m, room for about 700,000 keys in one cleaning pass; more keys take
     * more passes); a heap the manifest sized keeps Kafka's default, and so does a map set in the config.
     */
    public Optional<Long> cleanerBufferBytes() {
        if (!sizedHere) {
            return Optional.empty();
        }
        return Optional.of(Math.max(Quantity.jvmBytes(xmx).orElseThrow() / 32, 2L << 20));
    }
}
