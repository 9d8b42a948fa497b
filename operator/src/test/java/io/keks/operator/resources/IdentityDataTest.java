package io.keks.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.ClusterMemory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The identity ConfigMap holds a cluster's memory whole, and the maps earlier operators wrote read the same. */
class IdentityDataTest {
    @Test
    void theMemoryReadsBackAsItWasWritten() {
        ClusterMemory m = new ClusterMemory("abc", Map.of(0, "d0", 3, "d3"), Set.of(3), Map.of(0, "4.3.1", 3, "4.4.0"),
                Set.of("log.retention.ms"), true);
        assertThat(IdentityData.read(IdentityData.of(m))).isEqualTo(m);
    }

    @Test
    void aMapAnEarlierOperatorWroteKeepsItsNodesTheirKafkaAndPlaintextInside() {
        Map<String, String> old = Map.of("cluster-id", "abc", "directory-id.0", "d0", "directory-id.3", "d3",
                "initial-controllers", "3", "nodes", "0,3", "formatted-by", "4.3.1", "managed-config", "");
        ClusterMemory m = IdentityData.read(old);
        assertThat(m.formatted()).isEqualTo(Map.of(0, "4.3.1", 3, "4.3.1"));
        assertThat(m.internalTls()).isFalse();
        assertThat(m.managedConfig()).isEmpty();
        assertThat(m.initialControllers()).containsExactly(3);
    }
}
