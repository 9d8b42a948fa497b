package io.keks.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/storage.md, against the bundled price table. */
class CapacityPlannerTest {
    static final PriceTable PRICES = PriceTable.bundled();

    static CapacityPlan plan(double mbps, double fanout, Duration retention, int rf, int zones, PlanInput.Priority priority) {
        return CapacityPlanner.plan(new PlanInput(mbps, fanout, retention, rf, 0, zones, priority), PRICES);
    }

    @Test
    void theSeedsClusterThreeBrokersOnGp3Of1000GiB() {
        CapacityPlan p = plan(1.2, 2, Duration.ofDays(7), 3, 3, PlanInput.Priority.COST);
        assertThat(p.brokers()).isEqualTo(3);
        assertThat(p.instance()).isEqualTo("m7g.xlarge");
        assertThat(p.volumeType()).isEqualTo("gp3");
        // 1.2 MB/s x 604,800 s x 3 copies / 3 brokers = 675.9 GiB each, 70% full at most: 965.6 GiB, rounded up to 1000
        assertThat(p.volumeGib()).isEqualTo(1000);
        assertThat(p.checks()).filteredOn(c -> c.what().startsWith("kept")).singleElement()
                .satisfies(c -> assertThat(c.need()).isCloseTo(675.9, org.assertj.core.data.Offset.offset(0.1)));
        assertThat(p.iops()).isEqualTo(3000);
        assertThat(p.throughputMibps()).isEqualTo(125);
        assertThat(p.autoGrow()).isTrue();
        // st1 is cheaper here, but by less than a fifth: the SSD default stays
        assertThat(p.reasons()).anySatisfy(r -> assertThat(r).startsWith("gp3 volumes:").contains("st1 would cost $492", "less than 20%"));
        // 3 x m7g.xlarge 0.1632 $/h x 730 h; 3 x 1000 GiB x 0.08
        assertThat(p.cost().brokers()).isCloseTo(357.4, org.assertj.core.data.Offset.offset(0.1));
        assertThat(p.cost().brokerVolumes()).isCloseTo(240, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void longRetentionMakesSt1Win() {
        CapacityPlan p = plan(20, 1, Duration.ofDays(30), 3, 3, PlanInput.Priority.COST);
        assertThat(p.volumeType()).isEqualTo("st1");
        assertThat(p.brokers() % 3).isZero();
        assertThat(p.checks()).allSatisfy(c -> assertThat(c.need()).isLessThanOrEqualTo(c.limit()));
        assertThat(p.reasons()).anySatisfy(r -> assertThat(r).startsWith("st1 volumes: retention-heavy").contains("gp3 would cost"));
    }

    @Test
    void latencyWithReplicationThatCoversANodeTakesNvmeAndWithoutItIo2() {
        CapacityPlan nvme = plan(200, 2, Duration.ofDays(1), 3, 3, PlanInput.Priority.LATENCY);
        assertThat(nvme.volumeType()).isEqualTo("nvme");
        assertThat(nvme.instance()).startsWith("i4i.");
        assertThat(nvme.autoGrow()).as("an instance store cannot grow").isFalse();
        assertThat(nvme.controllerVolumeType()).isEqualTo("io2");

        CapacityPlan io2 = plan(100, 2, Duration.ofDays(2), 2, 3, PlanInput.Priority.LATENCY);
        assertThat(io2.volumeType()).isEqualTo("io2");
        assertThat(io2.reasons()).anySatisfy(r -> assertThat(r).contains("replication factor 2 over 3 zones cannot cover"));
        assertThat(io2.iops()).isGreaterThanOrEqualTo(3000);
    }

    @Test
    void moreBrokersCarryMoreTrafficAndEveryCheckStaysWithinItsShare() {
        CapacityPlan small = plan(10, 2, Duration.ofDays(1), 3, 3, PlanInput.Priority.COST);
        CapacityPlan big = plan(400, 2, Duration.ofDays(1), 3, 3, PlanInput.Priority.COST);
        assertThat(big.brokers() * PRICES.instances().stream().filter(i -> i.type().equals(big.instance())).findFirst().orElseThrow()
                .networkMBps()).isGreaterThan(small.brokers() * PRICES.instances().stream().filter(i -> i.type().equals(small.instance()))
                .findFirst().orElseThrow().networkMBps());
        assertThat(big.checks()).filteredOn(c -> c.what().startsWith("network")).singleElement()
                .satisfies(c -> assertThat(c.percent()).isLessThanOrEqualTo(60));
    }

    @Test
    void impossibleOrBadInputIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> plan(-1, 2, Duration.ofDays(1), 0, 3, PlanInput.Priority.COST)).hasMessageContaining("--write-mbps is -1.0")
                .hasMessageContaining("--replication-factor is 0");
        assertThatThrownBy(() -> plan(5000, 2, Duration.ofDays(365), 3, 3, PlanInput.Priority.COST))
                .hasMessageStartingWith("no plan fits within 300 brokers").hasMessageContaining("shorten --retention");
    }

    @Test
    void aBadPriceTableNamesItsLine() {
        assertThatThrownBy(() -> PriceTable.read("my.csv", "# date: x\ninstance,m7g.large,2,8\n"))
                .hasMessageStartingWith("my.csv:2: the line has 4 fields where 8 belong");
        assertThatThrownBy(() -> PriceTable.read("my.csv", "instance,m7g.large,2,8,fast,630,0,0.08\n"))
                .hasMessageStartingWith("my.csv:1: the line holds a value that is not a number");
        assertThat(PRICES.date()).isEqualTo("2026-12-03");
    }
}
