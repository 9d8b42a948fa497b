package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The last change {@code keks apply} refused as unsafe, kept in refused.json until a later apply
 * succeeds, so that {@code keks status} still says why the cluster is not what the latest manifests
 * asked for (Strimzi's operator reports an unsafe change it reverted the same way, as a warning).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RefusedChange(long at, List<String> reasons) {
    static Path file(Path clusterDir) {
        return clusterDir.resolve("refused.json");
    }

    void write(Path clusterDir) throws IOException {
        JsonFiles.write(file(clusterDir), this);
    }

    static void clear(Path clusterDir) throws IOException {
        Files.deleteIfExists(file(clusterDir));
    }

    public static Optional<RefusedChange> read(Path clusterDir) {
        return JsonFiles.read(file(clusterDir), RefusedChange.class);
    }
}
