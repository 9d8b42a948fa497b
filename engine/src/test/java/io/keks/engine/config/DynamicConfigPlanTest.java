package io.keks.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DynamicConfigPlanTest {
    static final ConfigModes MODES = ConfigModes.fromUpdateModes("test", Map.of(
            "log.retention.ms", "cluster-wide", "log.cleaner.threads", "cluster-wide", "ssl.keystore.location", "per-broker"));

    @Test
    void aChangedDynamicValueIsSetLiveAndAnUnchangedStaticOneIsLeftAlone() {
        DynamicConfigPlan p = DynamicConfigPlan.of(Map.of("log.retention.ms", "3600000", "log.cleaner.threads", "1"),
                Map.of(), Map.of(), Set.of(), Map.of("log.cleaner.threads", "1"), MODES);
        assertThat(p.clusterWide()).containsExactlyEntriesOf(Map.of("log.retention.ms", "3600000"));
        assertThat(p.managed()).containsExactlyInAnyOrder("log.retention.ms", "log.cleaner.threads");
        assertThat(p.delete()).isEmpty();
    }

    @Test
    void anOverrideKeksSetAndTheManifestDroppedIsRemovedButOneSetByOthersIsNot() {
        DynamicConfigPlan p = DynamicConfigPlan.of(Map.of(), Map.of("log.retention.ms", "3600000", "log.cleaner.threads", "2"),
                Map.of(), Set.of("log.retention.ms"), Map.of(), MODES);
        assertThat(p.delete()).containsExactly("log.retention.ms");
        assertThat(p.liveChanges()).isTrue();
    }

    @Test
    void aLiveValueThatAlreadyMatchesChangesNothing() {
        DynamicConfigPlan p = DynamicConfigPlan.of(Map.of("log.retention.ms", "3600000"), Map.of("log.retention.ms", "3600000"),
                Map.of(), Set.of("log.retention.ms"), Map.of(), MODES);
        assertThat(p.liveChanges()).isFalse();
    }

    @Test
    void perBrokerKeysAndListenerPrefixedCopiesGoToEachBroker() {
        DynamicConfigPlan p = DynamicConfigPlan.of(Map.of("listener.name.tls-9093.ssl.keystore.location", "/k.p12"),
                Map.of(), Map.of(), Set.of(), Map.of(), MODES);
        assertThat(p.perBroker()).containsOnlyKeys("listener.name.tls-9093.ssl.keystore.location");
        assertThat(p.clusterWide()).isEmpty();
    }

    @Test
    void onlyReadOnlyDifferencesNeedARestartAddedAndRemovedOnesIncluded() {
        Map<String, String> running = Map.of("log.retention.ms", "1", "num.network.threads", "3", "log.dirs", "/a");
        Map<String, String> wanted = Map.of("log.retention.ms", "2", "num.network.threads", "3", "auto.create.topics.enable", "false");
        assertThat(DynamicConfigPlan.restartKeys(running, wanted, MODES)).containsExactly("auto.create.topics.enable", "log.dirs");
    }
}
