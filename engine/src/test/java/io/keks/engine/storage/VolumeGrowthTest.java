package io.keks.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.DiskUse;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.manifest.ManifestParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The grow-volumes step's rules, over the seed's cluster (claims of 100Gi) and disk use as Kafka would report it. */
class VolumeGrowthTest {
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    static final long GI = 1L << 30;
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    static DesiredCluster seed(String brokerPoolAnnotations, String brokerSize) throws Exception {
        String text = Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"));
        String brokerPool = "metadata:\n  name: broker\n";
        text = text.replace(brokerPool, brokerPool + (brokerPoolAnnotations.isEmpty() ? "" : "  annotations:\n" + brokerPoolAnnotations));
        int at = text.indexOf(brokerPool);
        text = text.substring(0, at) + text.substring(at).replaceFirst("size: 100Gi", "size: " + brokerSize);
        return ClusterModel.build(ManifestParser.parse("kafka-cluster.yaml", text), ClusterModel.Options.defaults()).cluster();
    }

    static final String GROW_AT_80 = """
                keks.io/storage-auto-grow: "true"
                keks.io/storage-grow-at-percent: "80"
                keks.io/storage-grow-step: 50Gi
                keks.io/storage-grow-cooldown: 6h
            """;

    /** Broker 0's log directory on volume 0, {@code percent} full of its 100Gi. */
    static DiskUse use(int broker, int percent) {
        long total = 100 * GI;
        return new DiskUse(broker, "/var/lib/kafka/data-0/kafka-log" + broker, total, total - total / 100 * percent, null);
    }

    static VolumeGrowth.Claim claim(int node, long request, Optional<Instant> grown) {
        return new VolumeGrowth.Claim(node, 0, "data-0-cluster-broker-" + node, request, request, grown, Optional.empty());
    }

    @Test
    void aVolumePastItsThresholdGrowsByItsStepAndOneBelowItDoesNot() throws Exception {
        DesiredCluster c = seed(GROW_AT_80, "100Gi");
        var r = VolumeGrowth.plan(c, List.of(use(0, 81), use(1, 79)), List.of(claim(0, 100 * GI, Optional.empty()),
                claim(1, 100 * GI, Optional.empty())), NOW);
        assertThat(r.grown()).singleElement().satisfies(g -> {
            assertThat(g.claim().node()).isEqualTo(0);
            assertThat(g.toBytes()).isEqualTo(150 * GI);
            assertThat(g.reason()).isEqualTo("data-0-cluster-broker-0 is 81% full (81G of 100G; it grows at 80%)");
        });
        assertThat(r.held()).isEmpty();
    }

    @Test
    void withinTheCooldownItIsHeldWithAWarningAndAfterItItGrowsAgain() throws Exception {
        DesiredCluster c = seed(GROW_AT_80, "100Gi");
        Optional<Instant> grown = Optional.of(NOW.minus(Duration.ofHours(5)));
        var held = VolumeGrowth.plan(c, List.of(use(0, 90)), List.of(claim(0, 150 * GI, grown)), NOW);
        assertThat(held.grown()).isEmpty();
        assertThat(held.held()).singleElement().satisfies(h -> {
            assertThat(h.reason()).isEqualTo("VolumeGrowthCoolingDown");
            assertThat(h.message()).contains("grows again from 2026-12-03T13:00:00Z (keks.io/storage-grow-cooldown)");
        });
        var later = VolumeGrowth.plan(c, List.of(use(0, 90)), List.of(claim(0, 150 * GI, grown)), NOW.plus(Duration.ofHours(2)));
        assertThat(later.grown()).singleElement().satisfies(g -> assertThat(g.toBytes()).isEqualTo(200 * GI));
    }

    @Test
    void aClaimGrowsOncePerCrossingOfItsThreshold() throws Exception {
        DesiredCluster c = seed(GROW_AT_80, "100Gi");
        Optional<Instant> grown = Optional.of(NOW.minus(Duration.ofDays(1)));
        // grown the day before, and back under the threshold since: nothing to do, cooldown or not
        assertThat(VolumeGrowth.plan(c, List.of(use(0, 60)), List.of(claim(0, 150 * GI, grown)), NOW).grown()).isEmpty();
        assertThat(VolumeGrowth.plan(c, List.of(use(0, 60)), List.of(claim(0, 150 * GI, grown)), NOW).held()).isEmpty();
        // across it again: one more step
        assertThat(VolumeGrowth.plan(c, List.of(use(0, 80)), List.of(claim(0, 150 * GI, grown)), NOW).grown()).singleElement()
                .satisfies(g -> assertThat(g.toBytes()).isEqualTo(200 * GI));
        // an offline directory or a broker that did not answer gives no figure to grow on
        assertThat(VolumeGrowth.plan(c, List.of(new DiskUse(0, "/var/lib/kafka/data-0/kafka-log0", -1, -1, "KafkaStorageException")),
                List.of(claim(0, 150 * GI, Optional.empty())), NOW).grown()).isEmpty();
    }

    @Test
    void aClaimStillGrowingOrAtItsMaximumIsHeld() throws Exception {
        DesiredCluster c = seed(GROW_AT_80 + "    keks.io/storage-grow-max: 150Gi\n", "100Gi");
        var resizing = new VolumeGrowth.Claim(0, 0, "data-0-cluster-broker-0", 150 * GI, 100 * GI, Optional.empty(), Optional.empty());
        assertThat(VolumeGrowth.plan(c, List.of(use(0, 95)), List.of(resizing), NOW).held()).extracting(VolumeGrowth.Held::reason)
                .containsExactly("VolumeGrowing");
        assertThat(VolumeGrowth.plan(c, List.of(use(0, 95)), List.of(claim(0, 150 * GI, Optional.empty())), NOW).held())
                .extracting(VolumeGrowth.Held::reason).containsExactly("VolumeAtMaximum");
    }

    @Test
    void aManifestSizeBelowTheClaimIsNoShrinkAndARaisedOneIsAppliedWithoutAnyThreshold() throws Exception {
        assertThat(VolumeGrowth.plan(seed("", "100Gi"), List.of(), List.of(claim(0, 150 * GI, Optional.empty())), NOW).grown()).isEmpty();
        var raised = VolumeGrowth.plan(seed("", "300Gi"), List.of(), List.of(claim(0, 150 * GI, Optional.empty())), NOW);
        assertThat(raised.grown()).singleElement().satisfies(g -> {
            assertThat(g.toBytes()).isEqualTo(300 * GI);
            assertThat(g.reason()).isEqualTo("the manifest asks for 300Gi");
        });
        // without a growth policy, a full disk is for the Warning conditions, not for the claims
        assertThat(VolumeGrowth.plan(seed("", "100Gi"), List.of(use(0, 99)), List.of(claim(0, 100 * GI, Optional.empty())), NOW)
                .grown()).isEmpty();
    }

    @Test
    void aClaimWhoseStorageClassCannotGrowIsHeldWithTheFix() throws Exception {
        var fixed = new VolumeGrowth.Claim(0, 0, "data-0-cluster-broker-0", 100 * GI, 100 * GI, Optional.empty(),
                Optional.of("StorageClass fixed does not allow volume expansion; use a class with allowVolumeExpansion: true"));
        var r = VolumeGrowth.plan(seed("", "200Gi"), List.of(), List.of(fixed), NOW);
        assertThat(r.grown()).isEmpty();
        assertThat(r.held()).singleElement().satisfies(h -> assertThat(h.message()).isEqualTo("claim data-0-cluster-broker-0 stays at"
                + " 100Gi instead of 200Gi (the manifest asks for 200Gi): StorageClass fixed does not allow volume expansion; use a class with"
                + " allowVolumeExpansion: true"));
    }
}
