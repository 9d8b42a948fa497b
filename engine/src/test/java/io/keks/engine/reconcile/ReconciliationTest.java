package io.keks.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.engine.ClusterMemory;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.MetadataVersions;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.security.CertificateStore;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.ListenerSpec;
import io.keks.model.Role;
import io.keks.model.VolumeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The order of the pass and where each mode ends, up to the point where Kafka would be asked: a runtime
 * that records each effect it is asked for, and fails the test if the pass asks Kafka anything.
 */
class ReconciliationTest {
    static final KafkaVersion V44 = KafkaVersion.parse("4.4.0").orElseThrow();

    static DesiredCluster cluster(String brokerVolumeSize) {
        VolumeSpec volume = new VolumeSpec(0, "persistent-claim", brokerVolumeSize.equals("100Gi") ? 100L << 30 : 50L << 30,
                brokerVolumeSize, null, false, true);
        List<DesiredNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new DesiredNode(i, "broker", Set.of(Role.BROKER), null, List.of(volume), null));
        }
        for (int i = 3; i < 6; i++) {
            nodes.add(new DesiredNode(i, "controller", Set.of(Role.CONTROLLER), null, List.of(), null));
        }
        return new DesiredCluster("kafka", "cluster", V44, null, List.of(new ListenerSpec("plain", 9092, "internal", false, null)),
                Map.of(), nodes, List.of(), Map.of("broker", List.of(0, 1, 2), "controller", List.of(3, 4, 5)), null, null, null,
                null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    /** Where the pass asks Kafka: this test has none, so the pass stops there. */
    static final class NoKafka extends RuntimeException {
    }

    /** Records the effects in the order the pass asks for them. */
    static final class RecordingRuntime implements ClusterRuntime {
        final List<String> effects = new ArrayList<>();
        final Facts facts;

        RecordingRuntime(DesiredCluster wanted, Optional<DesiredCluster> last, boolean running) {
            ClusterMemory memory = ClusterMemory.newCluster(wanted);
            this.facts = new Facts(wanted, last, last.isPresent() ? memory.withFormatted(formattedAll(wanted)) : memory, running);
        }

        static Map<Integer, String> formattedAll(DesiredCluster c) {
            Map<Integer, String> f = new TreeMap<>();
            c.nodes().forEach(n -> f.put(n.id(), "4.4.0"));
            return f;
        }

        @Override
        public Facts facts() {
            effects.add("facts");
            return facts;
        }

        @Override
        public Admin admin() {
            effects.add("ask Kafka");
            throw new NoKafka();
        }

        @Override
        public MetadataVersions metadataVersions(KafkaVersion version) {
            throw new AssertionError("no version change here");
        }

        @Override
        public void refused(List<String> reasons) {
            effects.add("refused");
        }

        @Override
        public void remember(DesiredCluster applied, ClusterMemory memory, boolean refusedChange) {
            effects.add("remember " + volumeSize(applied) + (refusedChange ? " (refused change)" : ""));
        }

        @Override
        public Optional<CertificateStore> certificates(DesiredCluster applied, ClusterMemory memory) {
            effects.add("certificates");
            return Optional.empty();
        }

        @Override
        public void writeNodeDefinitions(DesiredCluster applied, ClusterMemory memory) {
            effects.add("write " + volumeSize(applied));
        }

        @Override
        public Created createMissingNodes(DesiredCluster applied, ClusterMemory memory, boolean startStopped) {
            effects.add("create" + (startStopped ? " and start" : ""));
            return new Created(memory.withFormatted(formattedAll(applied)), facts.last().isEmpty());
        }

        @Override
        public Optional<ObservedCluster> observe(DesiredCluster applied, Admin admin, boolean untilReady) {
            throw new AssertionError("no Kafka");
        }

        @Override
        public ConfigModes configModes(Admin admin, ObservedCluster observed) {
            throw new AssertionError("no Kafka");
        }

        @Override
        public Map<String, String> runningConfig(DesiredCluster applied, ObservedCluster observed) {
            throw new AssertionError("no Kafka");
        }

        @Override
        public Map<Integer, Map<String, String>> desiredConfigs(DesiredCluster applied) {
            throw new AssertionError("no Kafka");
        }

        @Override
        public ClusterImage image(Admin admin) {
            throw new AssertionError("no Kafka");
        }

        @Override
        public ClusterMemory changeNodes(DesiredCluster applied, ClusterMemory memory, ClusterDelta delta, Admin admin) {
            throw new AssertionError("no Kafka");
        }

        private static String volumeSize(DesiredCluster c) {
            return c.brokers().get(0).volumes().get(0).size();
        }
    }

    static final Reconciliation.Listener QUIET = line -> { };

    @Test
    void aNewClusterOnKubernetesIsRememberedGivenItsCertificatesWrittenAndCreatedThenLookedAtNextPass() throws Exception {
        RecordingRuntime runtime = new RecordingRuntime(cluster("100Gi"), Optional.empty(), false);
        Reconciliation.Outcome o = Reconciliation.run(runtime, Reconciliation.Mode.KEEP, false, QUIET);
        assertThat(o.ending()).isEqualTo(Reconciliation.Ending.CREATING);
        assertThat(runtime.effects).containsExactly("facts", "remember 100Gi", "certificates", "write 100Gi", "create and start",
                "remember 100Gi");
        assertThat(o.memory().formatted()).containsOnlyKeys(0, 1, 2, 3, 4, 5);
    }

    @Test
    void prepareAndApplyToAStoppedClusterKeepTheManifestsAndStartNothing() throws Exception {
        for (Reconciliation.Mode mode : List.of(Reconciliation.Mode.PREPARE, Reconciliation.Mode.APPLY)) {
            RecordingRuntime runtime = new RecordingRuntime(cluster("100Gi"), Optional.of(cluster("100Gi")), false);
            Reconciliation.Outcome o = Reconciliation.run(runtime, mode, false, QUIET);
            assertThat(o.ending()).as(mode.name()).isEqualTo(Reconciliation.Ending.STORED);
            assertThat(runtime.effects).as(mode.name()).containsExactly("facts", "remember 100Gi", "certificates", "write 100Gi",
                    "create", "remember 100Gi");
        }
    }

    @Test
    void aRefusedChangeEndsTheCliPassBeforeAnythingIsWritten() throws Exception {
        // a broker volume would shrink from 100Gi to 50Gi: refused from the manifests alone
        for (Reconciliation.Mode mode : List.of(Reconciliation.Mode.APPLY, Reconciliation.Mode.UP, Reconciliation.Mode.PREPARE)) {
            RecordingRuntime runtime = new RecordingRuntime(cluster("50Gi"), Optional.of(cluster("100Gi")), true);
            Reconciliation.Outcome o = Reconciliation.run(runtime, mode, false, QUIET);
            assertThat(o.ending()).as(mode.name()).isEqualTo(Reconciliation.Ending.REFUSED);
            assertThat(o.refused()).as(mode.name()).hasSize(3)
                    .allSatisfy(r -> assertThat(r).contains("its size would shrink from 100Gi to 50Gi"));
            assertThat(runtime.effects).as(mode.name()).containsExactly("facts", "refused");
        }
    }

    @Test
    void theOperatorKeepsTheClusterAsLastAppliedWhenAChangeIsRefused() throws Exception {
        // what the pass writes and starts is the last applied cluster, not the refused one; then it looks at Kafka
        RecordingRuntime runtime = new RecordingRuntime(cluster("50Gi"), Optional.of(cluster("100Gi")), true);
        assertThatThrownBy(() -> Reconciliation.run(runtime, Reconciliation.Mode.KEEP, false, QUIET)).isInstanceOf(NoKafka.class);
        assertThat(runtime.effects).containsExactly("facts", "refused", "remember 100Gi (refused change)", "certificates",
                "write 100Gi", "create and start", "remember 100Gi (refused change)", "ask Kafka");
    }
}
