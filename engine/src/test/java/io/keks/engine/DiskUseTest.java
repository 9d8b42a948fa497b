package io.keks.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

class DiskUseTest {
    static final long GIB = 1L << 30;

    @Test
    void aVolumeShowsItsShareInUseRoundedUpAndWarnsFromEightyFivePercent() {
        DiskUse d = new DiskUse(0, "/data/kafka-log0", 100 * GIB, 16 * GIB, null);
        assertThat(d.usedBytes()).isEqualTo(84 * GIB);
        assertThat(d.percentUsed()).isEqualTo(84);
        assertThat(d.brief()).isEqualTo("84% of 100G");
        assertThat(d.needsAttention(DiskUse.WARN_PERCENT)).isFalse();

        // 84.1% shows as 85%: a volume that is nearly full never looks emptier than it is
        DiskUse over = new DiskUse(0, "/data/kafka-log0", 1000 * GIB, 159 * GIB, null);
        assertThat(over.percentUsed()).isEqualTo(85);
        assertThat(over.needsAttention(DiskUse.WARN_PERCENT)).isTrue();
        assertThat(over.warning("cluster-broker-0")).startsWith("cluster-broker-0's log directory /data/kafka-log0 is 85% full (841G of 1000G, 159G free)")
                .contains("retention.ms", "KafkaRebalance");
    }

    @Test
    void anOfflineDirectoryNeedsAttentionWhateverItsNumbersAndAnUnknownOneShowsAQuestionMark() {
        Map<String, LogDirDescription> answer = Map.of(
                "/b", new LogDirDescription(new KafkaStorageException("Disk error while writing"), Map.of(), -1, -1),
                "/a", new LogDirDescription(null, Map.of(), 10 * GIB, 9 * GIB));
        assertThat(DiskUse.of(2, answer)).extracting(DiskUse::dir).containsExactly("/a", "/b");
        DiskUse offline = DiskUse.of(2, answer).get(1);
        assertThat(offline.offline()).isTrue();
        assertThat(offline.needsAttention(DiskUse.WARN_PERCENT)).isTrue();
        assertThat(offline.brief()).isEqualTo("offline");
        assertThat(offline.warning("cluster-broker-2")).contains("/b is offline (KafkaStorageException: Disk error while writing)",
                "restart cluster-broker-2");
        assertThat(DiskUse.of(2, answer).get(0).brief()).isEqualTo("10% of 10G");

        DiskUse unknown = new DiskUse(1, "/c", -1, -1, null);
        assertThat(unknown.percentUsed()).isEqualTo(-1);
        assertThat(unknown.needsAttention(DiskUse.WARN_PERCENT)).isFalse();
        assertThat(unknown.brief()).isEqualTo("?");
    }

    @Test
    void bytesReadAsDfShowsThem() {
        assertThat(DiskUse.bytes(512)).isEqualTo("512B");
        assertThat(DiskUse.bytes(1536)).isEqualTo("1.5K");
        assertThat(DiskUse.bytes(9 * GIB + GIB / 2)).isEqualTo("9.5G");
        assertThat(DiskUse.bytes(1000 * GIB)).isEqualTo("1000G");
        assertThat(DiskUse.bytes(1536 * GIB)).isEqualTo("1.5T");
    }
}
