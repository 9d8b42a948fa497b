package io.keks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The small JSON files through which keks' processes talk (state, requests, records): written
 * whole to a temporary file and moved into place, so a reader in another process never sees half
 * of one.
 */
final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    static void write(Path file, Object value) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), value);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's value; empty when it does not exist; an IOException when it exists and is not one (or is empty). */
    static <T> Optional<T> readOrFail(Path file, Class<T> type) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        T value = JSON.readValue(file.toFile(), type);
        if (value == null) {
            throw new IOException("the file is empty");
        }
        return Optional.of(value);
    }

    /** The file's value; empty when it does not exist or cannot be read (a reader then acts as if it did not). */
    static <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), type)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
