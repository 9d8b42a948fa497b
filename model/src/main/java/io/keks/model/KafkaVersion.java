package io.keks.model;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A released Apache Kafka version such as 4.4.0, and what keks knows about it. */
public record KafkaVersion(int major, int minor, int patch) implements Comparable<KafkaVersion> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** The version keks bundles; every other released version is fetched on first use. */
    public static final KafkaVersion BUNDLED = new KafkaVersion(4, 4, 0);

    /** The oldest version keks runs: dynamic KRaft quorums (KIP-853) arrived in 3.9.0. */
    public static final KafkaVersion OLDEST = new KafkaVersion(3, 9, 0);

    /** Broker configs that Kafka removed, with the first version that refuses to start with them set. */
    private static final Map<String, KafkaVersion> REMOVED = Map.ofEntries(
            Map.entry("log.message.format.version", new KafkaVersion(4, 0, 0)),
            Map.entry("message.format.version", new KafkaVersion(4, 0, 0)),
            Map.entry("offsets.commit.required.acks", new KafkaVersion(4, 0, 0)),
            Map.entry("log.message.timestamp.difference.max.ms", new KafkaVersion(4, 0, 0)),
            Map.entry("message.timestamp.difference.max.ms", new KafkaVersion(4, 0, 0)),
            Map.entry("auto.include.jmx.reporter", new KafkaVersion(4, 0, 0)),
            Map.entry("metrics.jmx.blacklist", new KafkaVersion(4, 0, 0)),
            Map.entry("metrics.jmx.whitelist", new KafkaVersion(4, 0, 0)),
            Map.entry("delegation.token.master.key", new KafkaVersion(4, 0, 0)),
            Map.entry("zookeeper.connect", new KafkaVersion(4, 0, 0)));

    public static Optional<KafkaVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new KafkaVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    /** The version from which {@code config} is refused, if this version no longer accepts it. */
    public Optional<KafkaVersion> removedSince(String config) {
        KafkaVersion since = REMOVED.get(config);
        return since != null && compareTo(since) >= 0 ? Optional.of(since) : Optional.empty();
    }

    public boolean atLeast(KafkaVersion other) {
        return compareTo(other) >= 0;
    }

    /** Kafka's metadata.version prefix for this release, e.g. "4.4" (values look like 4.4-IV0). */
    public String metadataPrefix() {
        return major + "." + minor;
    }

    @Override
    public int compareTo(KafkaVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        return Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
