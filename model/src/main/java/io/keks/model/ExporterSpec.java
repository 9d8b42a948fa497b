package io.keks.model;

/**
 * What {@code spec.kafkaExporter} asks for: consumer lag and topic offsets as Prometheus metrics,
 * under the names kafka_exporter gives them. A topic or group is shown when its name contains a
 * match of the include pattern and no match of the exclude pattern (null: exclude nothing), as
 * kafka_exporter matches them.
 *
 * @param showAllOffsets false: only groups with members right now
 */
public record ExporterSpec(String topicRegex, String topicExcludeRegex, String groupRegex, String groupExcludeRegex,
                           boolean showAllOffsets) {
    /** kafka_exporter's port, so scrape configs written for it carry over. */
    public static final int PORT = 9308;
}
