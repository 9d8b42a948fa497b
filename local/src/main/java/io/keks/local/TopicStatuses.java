package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.keks.engine.topic.TopicStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last topic reconciliation said of each KafkaTopic, kept in topics.json: the status a
 * KafkaTopic would carry on Kubernetes, which {@code keks get kafkatopics} and {@code keks describe}
 * show without asking Kafka again.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TopicStatuses(long at, Map<String, TopicStatus> byResource) {
    static Path file(Path clusterDir) {
        return clusterDir.resolve("topics.json");
    }

    static void write(Path clusterDir, List<TopicStatus> statuses) throws IOException {
        Map<String, TopicStatus> byResource = new LinkedHashMap<>();
        statuses.forEach(s -> byResource.put(s.resourceName(), s));
        JsonFiles.write(file(clusterDir), new TopicStatuses(System.currentTimeMillis(), byResource));
    }

    public static TopicStatuses read(Path clusterDir) {
        return JsonFiles.read(file(clusterDir), TopicStatuses.class).orElse(new TopicStatuses(0, Map.of()));
    }
}
