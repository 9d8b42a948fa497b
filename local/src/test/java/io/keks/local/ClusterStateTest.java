package io.keks.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state.json as earlier keks versions wrote it reads into the engine's ClusterMemory, and is written back the same way. */
class ClusterStateTest {
    @TempDir
    Path dir;

    @Test
    void aStateFileFromBeforeClusterMemoryReadsAndIsWrittenWithTheSameFields() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"name":"cluster","namespace":"kafka","clusterId":"abc","portShift":1000,"kafkaVersion":"4.4.0",
                 "directoryIds":{"0":"d0","3":"d3"},"initialControllers":[3],"poolIds":{"broker":[0],"controller":[3]},
                 "formatted":{"0":"4.4.0","3":"4.4.0"},"createdAt":42,"managedConfig":["log.retention.ms"],
                 "nodePools":{"0":"broker","3":"controller"}}
                """);
        ClusterState st = ClusterState.read(file);
        assertThat(st.portShift()).isEqualTo(1000);
        assertThat(st.memory().clusterId()).isEqualTo("abc");
        assertThat(st.memory().formatted()).isEqualTo(Map.of(0, "4.4.0", 3, "4.4.0"));
        assertThat(st.memory().managedConfig()).containsExactly("log.retention.ms");
        assertThat(st.memory().internalTls()).as("a file without the entry: a cluster from before internal TLS").isFalse();

        st.write(file);
        var written = new ObjectMapper().readTree(file.toFile());
        assertThat(written.fieldNames()).toIterable().contains("clusterId", "directoryIds", "initialControllers", "formatted",
                "managedConfig", "internalTls", "portShift", "poolIds", "nodePools").doesNotContain("memory");
        assertThat(ClusterState.read(file)).isEqualTo(st);
    }
}
