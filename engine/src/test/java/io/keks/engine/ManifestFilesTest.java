package io.keks.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestFilesTest {
    @Test
    void aFileLargerThanKeksReadsIsNamedWithItsSizeWithoutBeingRead() throws Exception {
        Path file = Files.createTempDirectory("keks-large").resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ManifestFiles.MAX_FILE_BYTES + 1); // sparse: takes no room on disk
        }
        Manifests read = ManifestFiles.read(List.of(file));
        assertThat(read.problems()).extracting(Problem::format).containsExactly(file + ": is 67108865 bytes, more than the 64 MiB keks"
                + " reads in one manifest file (about 250,000 KafkaTopics); split it into several files");
        Files.delete(file);
    }
}
