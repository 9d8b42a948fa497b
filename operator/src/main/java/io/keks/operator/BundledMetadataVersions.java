package io.keks.operator;

import io.keks.engine.change.MetadataVersions;
import io.keks.model.KafkaVersion;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * metadata.version levels from the table of the Kafka keks is built with, which knows every earlier
 * release too. A release's newest production level is the newest production level named after it.
 */
final class BundledMetadataVersions {
    private BundledMetadataVersions() {
    }

    static MetadataVersions of(KafkaVersion version) {
        Map<String, Integer> levels = Arrays.stream(MetadataVersion.VERSIONS)
                .collect(Collectors.toMap(MetadataVersion::version, m -> (int) m.featureLevel(), (a, b) -> a));
        int latest = Arrays.stream(MetadataVersion.VERSIONS).filter(MetadataVersion::isProduction)
                .filter(m -> m.version().startsWith(version.metadataPrefix() + "-"))
                .mapToInt(MetadataVersion::featureLevel).max()
                .orElse(MetadataVersion.latestProduction().featureLevel());
        return new MetadataVersions(version.toString(), levels, latest);
    }
}
