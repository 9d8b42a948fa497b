package io.keks.engine.plan;

import io.keks.engine.plan.CapacityPlan.Check;
import io.keks.engine.plan.PriceTable.Instance;
import io.keks.engine.plan.PriceTable.Volume;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The seed's storage guidance as arithmetic: from what producers write, how often it is read, how long it is kept
 * and how many copies there are, the brokers, instance type and volumes that carry it, checked against the instance's
 * baseline network and EBS bandwidth and the volume type's limits, and priced from a {@link PriceTable}. Pure.
 *
 * <p>Per broker, with {@code W} MB/s written, replication factor {@code R}, fan-out {@code F} and {@code B} brokers:
 * network in {@code W*R/B}, network out {@code (W*F + W*(R-1))/B}, disk writes {@code W*R/B} plus {@code W/B} for one
 * consumer group catching up from disk, and {@code W*retention*R/B} bytes kept.
 */
public final class CapacityPlanner {
    /** Volumes are sized to be at most this full at retention... */
    static final double FILL = 0.7;
    /** ...and, on EBS, grow when they pass this. */
    static final int GROW_AT = 80;
    /** Brokers need a heap and a page cache that holds what readers at the tail read. */
    static final int MIN_BROKER_MEMORY_GIB = 16;
    static final int MAX_BROKERS = 300;
    /** Partition replicas a broker serves comfortably in KRaft mode; st1's 500 IOPS suit fewer, larger streams. */
    static final int MAX_REPLICAS_PER_BROKER = 4000;
    static final int MAX_REPLICAS_PER_BROKER_ST1 = 1000;
    /** Throughput provisioned above the need, for bursts and for recovery after a broker returns. */
    static final double HEADROOM = 1.25;
    /** st1 is chosen over gp3 only when it saves at least this share of the brokers' monthly cost. */
    static final double ST1_MIN_SAVING = 0.2;
    /** Options within this share of the cheapest count as equally cheap; the one with the fewest brokers wins. */
    static final double NEAR_CHEAPEST = 0.05;
    static final long CONTROLLER_GIB = 20;
    static final long CONTROLLER_IO2_IOPS = 3000;
    static final double MIB = 1 << 20;
    static final double GIB = 1L << 30;

    private CapacityPlanner() {
    }

    private record Option(String volumeType, Instance instance, int brokers, long gib, long iops, long mibps, double brokerCost,
                          double volumeCost, List<Check> checks) {
        double cost() {
            return brokerCost + volumeCost;
        }
    }

    /** The plan, or IllegalArgumentException saying what is wrong with the input or why nothing fits. */
    public static CapacityPlan plan(PlanInput in, PriceTable prices) {
        if (!in.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", in.problems()));
        }
        double util = in.priority() == PlanInput.Priority.COST ? 0.6 : 0.4;
        List<String> reasons = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Option chosen;
        boolean replicationCoversANode = in.replicationFactor() >= 3 && in.zones() >= 3;
        if (in.priority() == PlanInput.Priority.COST) {
            Optional<Option> gp3 = best("gp3", in, prices, util);
            Optional<Option> st1 = best("st1", in, prices, util);
            if (gp3.isEmpty() && st1.isEmpty()) {
                throw nothingFits(in);
            }
            // st1 is an HDD: it wins only where it saves a real share of the bill, not a few dollars for its latency
            if (st1.isPresent() && (gp3.isEmpty() || gp3.get().cost() - st1.get().cost() >= ST1_MIN_SAVING * gp3.get().cost())) {
                chosen = st1.get();
                reasons.add("st1 volumes: retention-heavy, so per GiB counts most ($" + money(prices.volumes().get("st1").perGibMonth())
                        + " against gp3's $" + money(prices.volumes().get("gp3").perGibMonth()) + " per GiB-month); " + chosen.gib() + " GiB gives "
                        + "40 MiB/s per TiB sustained (" + st1Baseline(chosen.gib()) + " MiB/s), enough for Kafka's large sequential I/O;"
                        + gp3.map(g -> " gp3 would cost $" + money(g.cost()) + " a month for the brokers against $" + money(chosen.cost()))
                        .orElse(" gp3 does not fit"));
            } else {
                chosen = gp3.get();
                reasons.add("gp3 volumes: the balanced default; size, IOPS and throughput are provisioned independently, and an EBS"
                        + " volume outlives its broker (a replaced broker re-attaches it instead of re-replicating its data);"
                        + st1.map(s -> " st1 would cost $" + money(s.cost()) + " a month for the brokers").orElse(" st1 does not fit")
                        + " against $" + money(chosen.cost()) + (st1.isPresent() && st1.get().cost() < chosen.cost()
                        ? ", less than " + percent(ST1_MIN_SAVING) + " saved, not worth an HDD's latency" : ""));
            }
        } else {
            Optional<Option> nvme = replicationCoversANode ? best("nvme", in, prices, util) : Optional.empty();
            if (nvme.isPresent()) {
                chosen = nvme.get();
                reasons.add("NVMe instance storage: every millisecond counts, and replication factor " + in.replicationFactor() + " over "
                        + in.zones() + " zones covers a lost node (its data dies with the instance and is re-replicated to the"
                        + " replacement); replacements, upgrades and scaling take longer, as the data must move");
            } else {
                chosen = best("io2", in, prices, util).orElseThrow(() -> nothingFits(in));
                reasons.add("io2 Block Express volumes: latency first, "
                        + (replicationCoversANode ? "and no instance store is large enough for " + gib(bytesPerBroker(in, 1)) + " GiB over"
                        + " the brokers that fit;" : "but replication factor " + in.replicationFactor() + " over " + in.zones() + " zone"
                        + (in.zones() == 1 ? "" : "s") + " cannot cover losing a node's own disk;")
                        + " io2 gives sub-millisecond latency and 99.999% durability, at $" + money(chosen.volumeCost() / chosen.brokers())
                        + " a month per volume");
            }
        }
        Instance i = chosen.instance();
        reasons.add(0, chosen.brokers() + " brokers, " + chosen.brokers() / in.zones() + " per zone: the fewest that keep each broker's"
                + " network under " + percent(util) + " of its baseline" + (chosen.volumeType().equals("nvme") ? "" : ", its EBS traffic under "
                + percent(util) + " of the instance's EBS bandwidth") + " and its volume under " + percent(FILL) + " full at retention");
        reasons.add(1, i.type() + ": the cheapest per month (within " + percent(NEAR_CHEAPEST) + ", then the fewest brokers) of the"
                + " instance types that carry a broker's share (at least "
                + MIN_BROKER_MEMORY_GIB + " GiB for the heap and a page cache for readers at the tail; " + i.memoryGib() + " GiB, "
                + fmt(i.networkGbps()) + " Gbit/s network and " + fmt(i.ebsMbps()) + " Mbit/s EBS baseline)");
        Instance controller = prices.instances().stream().filter(x -> x.nvmeGb() == 0 && x.memoryGib() >= 8)
                .min(Comparator.comparingDouble(Instance::perHour)).orElse(i);
        boolean io2Metadata = in.priority() == PlanInput.Priority.LATENCY;
        Volume cv = prices.volumes().get(io2Metadata ? "io2" : "gp3");
        long controllerIops = io2Metadata ? CONTROLLER_IO2_IOPS : 3000;
        double controllerVolume = CONTROLLER_GIB * cv.perGibMonth() + (io2Metadata ? controllerIops * cv.perIopsMonth() : 0);
        reasons.add("3 controllers, " + (in.zones() >= 3 ? "one per zone" : "over " + in.zones() + " zone" + (in.zones() == 1 ? "" : "s"))
                + ", " + controller.type() + ": the quorum needs a majority of 3 and metadata is small; " + CONTROLLER_GIB + " GiB "
                + (io2Metadata ? "io2 (the durability of io2 for the cluster's metadata, fsynced on every commit)" : "gp3"));
        boolean grow = !chosen.volumeType().equals("nvme");
        if (grow) {
            reasons.add("volumes sized " + percent(FILL) + " full at retention and grown by keks at " + GROW_AT + "% (keks.io/storage-auto-grow):"
                    + " EBS grows online, so size for today, not for the peak");
        }
        if (in.replicationFactor() == 1) {
            notes.add("replication factor 1 loses data with any broker; 3 is what the seed runs");
        }
        if (in.replicationFactor() > in.zones() && in.zones() > 1) {
            notes.add("replication factor " + in.replicationFactor() + " over " + in.zones() + " zones puts two copies in one zone");
        }
        double seconds = PriceTable.HOURS_PER_MONTH * 3600;
        double crossGb = in.zones() == 1 ? 0 : in.writeMBps() * seconds / 1000
                * (Math.min(in.replicationFactor(), in.zones()) - 1 + (in.zones() - 1.0) / in.zones());
        double crossZone = crossGb * prices.crossZonePerGb();
        if (in.zones() > 1 && in.readFanout() > 0) {
            notes.add("consumers reading from a leader in another zone add up to $" + money(in.writeMBps() * in.readFanout() * seconds / 1000
                    * (in.zones() - 1.0) / in.zones() * prices.crossZonePerGb()) + " a month; give them client.rack and the brokers"
                    + " replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector to read in their own zone");
        }
        double controllers = 3 * (controller.perMonth() + controllerVolume);
        CapacityPlan.Cost cost = new CapacityPlan.Cost(chosen.brokerCost(), chosen.volumeCost(), controllers, crossZone,
                chosen.cost() + controllers + crossZone);
        String priceNote = prices.source() + ", " + prices.region() + ", dated " + prices.date();
        return new CapacityPlan(in, priceNote, chosen.brokers(), i.type(), chosen.volumeType(), chosen.gib(), chosen.iops(), chosen.mibps(),
                3, controller.type(), io2Metadata ? "io2" : "gp3", CONTROLLER_GIB, controllerIops, grow, chosen.checks(), cost,
                List.copyOf(reasons), List.copyOf(notes));
    }

    private static IllegalArgumentException nothingFits(PlanInput in) {
        return new IllegalArgumentException("no plan fits within " + MAX_BROKERS + " brokers: " + fmt(bytesPerBroker(in, 1) / 1e12)
                + " TB kept (" + fmt(in.writeMBps()) + " MB/s x " + in.retention().toHours() + " h x replication factor "
                + in.replicationFactor() + ") or " + fmt(in.writeMBps() * (in.replicationFactor() + in.readFanout())) + " MB/s of traffic"
                + " is more than the instance and volume types of the price table carry; shorten --retention, lower --write-mbps,"
                + " or split the load over clusters");
    }

    /** The cheapest option with volumes of {@code type} (nvme: the instance's own storage). */
    private static Optional<Option> best(String type, PlanInput in, PriceTable prices, double util) {
        List<Option> options = new ArrayList<>();
        int first = Math.max(Math.max(in.replicationFactor(), 3), in.zones());
        first = (first + in.zones() - 1) / in.zones() * in.zones();
        for (Instance i : prices.instances()) {
            if (i.memoryGib() < MIN_BROKER_MEMORY_GIB || (type.equals("nvme") != (i.nvmeGb() > 0))) {
                continue;
            }
            for (int b = first; b <= MAX_BROKERS; b += in.zones()) {
                Optional<Option> o = evaluate(type, i, b, in, prices, util);
                if (o.isPresent()) {
                    options.add(o.get());
                    break;
                }
            }
        }
        // within a few percent of the cheapest, fewer and larger brokers win: fewer to roll, to replace and to rebalance
        Optional<Option> cheapest = options.stream().min(Comparator.comparingDouble(Option::cost));
        return cheapest.flatMap(c -> options.stream().filter(o -> o.cost() <= c.cost() * (1 + NEAR_CHEAPEST))
                .min(Comparator.comparingInt(Option::brokers).thenComparingDouble(Option::cost)));
    }

    static double bytesPerBroker(PlanInput in, int brokers) {
        return in.writeMBps() * 1e6 * in.retention().toSeconds() * in.replicationFactor() / brokers;
    }

    private static Optional<Option> evaluate(String type, Instance i, int b, PlanInput in, PriceTable prices, double util) {
        double w = in.writeMBps();
        int r = in.replicationFactor();
        List<Check> checks = new ArrayList<>();
        double network = (w * r + w * in.readFanout() + w * (r - 1)) / b;
        checks.add(new Check("network in + out per broker", network, i.networkMBps(), "MB/s"));
        if (network > util * i.networkMBps()) {
            return Optional.empty();
        }
        if (in.partitions() > 0) {
            double replicas = Math.ceil((double) in.partitions() * r / b);
            int most = type.equals("st1") ? MAX_REPLICAS_PER_BROKER_ST1 : MAX_REPLICAS_PER_BROKER;
            checks.add(new Check("partition replicas per broker", replicas, most, ""));
            if (replicas > most) {
                return Optional.empty();
            }
        }
        double disk = (w * r + w) / b;
        double needMib = disk * 1e6 / MIB * HEADROOM;
        double kept = bytesPerBroker(in, b);
        long gib = roundUp(kept / FILL / GIB, 100);
        long iops = 0;
        long mibps = 0;
        double volumeCost = 0;
        if (type.equals("nvme")) {
            gib = (long) (i.nvmeGb() * 1e9 / GIB);
            checks.add(new Check("kept at retention, of the instance store", kept / GIB, gib, "GiB"));
            if (kept > FILL * gib * GIB) {
                return Optional.empty();
            }
        } else {
            Volume v = prices.volumes().get(type);
            checks.add(new Check("EBS traffic per broker", disk, i.ebsMBps(), "MB/s"));
            if (disk > util * i.ebsMBps()) {
                return Optional.empty();
            }
            switch (type) {
                case "gp3" -> {
                    mibps = Math.max((long) v.includedMibps(), roundUp(needMib, 25));
                    iops = Math.max(v.includedIops(), mibps * 4);
                    volumeCost = gib * v.perGibMonth() + (mibps - v.includedMibps()) * v.perMibpsMonth()
                            + (iops - v.includedIops()) * v.perIopsMonth();
                    checks.add(new Check("gp3 throughput provisioned", mibps, v.maxMibps(), "MiB/s"));
                    if (mibps > v.maxMibps() || iops > v.maxIops()) {
                        return Optional.empty();
                    }
                }
                case "st1" -> {
                    gib = Math.max(Math.max(gib, 200), roundUp(needMib / 40 * 1024, 100));
                    mibps = st1Baseline(gib);
                    volumeCost = gib * v.perGibMonth();
                    checks.add(new Check("st1 throughput needed (40 MiB/s per TiB)", needMib, mibps, "MiB/s"));
                    if (needMib > v.maxMibps()) {
                        return Optional.empty();
                    }
                }
                default -> {
                    iops = Math.max(3000, roundUp(needMib / 0.25, 100));
                    mibps = Math.min((long) v.maxMibps(), iops / 4);
                    volumeCost = gib * v.perGibMonth() + iops * v.perIopsMonth();
                    checks.add(new Check("io2 IOPS provisioned (256 KiB each)", iops, v.maxIops(), "IOPS"));
                    if (iops > v.maxIops()) {
                        return Optional.empty();
                    }
                }
            }
            checks.add(new Check("kept at retention, of the volume", kept / GIB, gib, "GiB"));
            if (gib > v.maxGib()) {
                return Optional.empty();
            }
        }
        return Optional.of(new Option(type, i, b, gib, iops, mibps, b * i.perMonth(), b * volumeCost, List.copyOf(checks)));
    }

    static long st1Baseline(long gib) {
        return Math.min(500, 40 * gib / 1024);
    }

    private static long roundUp(double v, long step) {
        return Math.max(step, (long) Math.ceil(v / step) * step);
    }

    private static long gib(double bytes) {
        return Math.round(bytes / GIB);
    }

    static String money(double usd) {
        return String.format(Locale.ROOT, usd >= 100 ? "%,.0f" : usd >= 1 ? "%,.2f" : "%.3f", usd);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }
}
