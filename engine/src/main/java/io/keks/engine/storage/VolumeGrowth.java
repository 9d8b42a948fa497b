package io.keks.engine.storage;

import io.keks.engine.DiskUse;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.Quantity;
import io.keks.model.StorageGrowth;
import io.keks.model.VolumeSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The step that grows volumes, where the runtime's storage can grow (claims on Kubernetes): to the size the
 * manifest asks for when someone raised it, and, for pools whose annotations ask for it
 * ({@link StorageGrowth}), before Kafka's log directory fills. A claim only ever grows: a manifest size below what
 * a claim was grown to, by keks or anyone, asks for nothing.
 */
public final class VolumeGrowth {

    /**
     * The claim of one node's volume as the runtime holds it now.
     *
     * @param requestBytes  what the claim asks for
     * @param capacityBytes what the storage gives it; -1 when the storage does not say
     * @param lastGrown     when keks last grew it
     * @param notExpandable why it cannot grow (its storage class does not allow it); empty when it can
     */
    public record Claim(int node, int volume, String name, long requestBytes, long capacityBytes, Optional<Instant> lastGrown,
                        Optional<String> notExpandable) {
    }

    /** A claim to grow to {@code toBytes}, and why, in a line. */
    public record Grow(Claim claim, long toBytes, String reason) {
    }

    /** A claim that should grow and does not, for the cluster's Warning conditions. */
    public record Held(String reason, String message) {
    }

    public record Result(List<Grow> grown, List<Held> held) {
    }

    /** The claims of a runtime whose storage can grow. */
    public interface Claims {
        /** The claim of each persistent volume of the applied nodes that exists now. */
        List<Claim> claims(DesiredCluster applied) throws Exception;

        /** Asks the storage for the larger size, noting when, without touching the node that uses it. */
        void grow(Grow grow, Instant at) throws Exception;
    }

    private VolumeGrowth() {
    }

    /** The step: decides, grows what is due, and says so. */
    public static Result run(Claims claims, DesiredCluster applied, List<DiskUse> disks, Instant now, Consumer<String> step) throws Exception {
        Result result = plan(applied, disks, claims.claims(applied), now);
        for (Grow g : result.grown()) {
            claims.grow(g, now);
            step.accept("claim " + g.claim().name() + " grows from " + Quantity.kubernetesSize(g.claim().requestBytes()) + " to "
                    + Quantity.kubernetesSize(g.toBytes()) + ": " + g.reason());
        }
        result.held().forEach(h -> step.accept(h.message()));
        return result;
    }

    /** What is due: pure, over the claims and the disk use Kafka reported ({@code disks} is empty when it did not answer). */
    public static Result plan(DesiredCluster applied, List<DiskUse> disks, List<Claim> claims, Instant now) {
        List<Grow> grown = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        for (Claim c : claims) {
            Optional<DesiredNode> node = applied.nodes().stream().filter(n -> n.id() == c.node()).findFirst();
            Optional<VolumeSpec> spec = node.flatMap(n -> n.volumes().stream().filter(v -> v.id() == c.volume()).findFirst())
                    .filter(v -> v.type().equals("persistent-claim"));
            if (spec.isEmpty()) {
                continue;
            }
            long target = c.requestBytes();
            String reason = "";
            if (spec.get().sizeBytes() > target) {
                target = spec.get().sizeBytes();
                reason = "the manifest asks for " + spec.get().size();
            }
            StorageGrowth policy = applied.storageGrowth().get(node.get().pool());
            Optional<DiskUse> use = disks.stream().filter(d -> d.broker() == c.node() && !d.offline()
                    && d.volume().isPresent() && d.volume().getAsInt() == c.volume()).findFirst();
            if (policy != null && use.isPresent() && use.get().percentUsed() >= policy.atPercent()) {
                String full = c.name() + " is " + use.get().percentUsed() + "% full (" + DiskUse.bytes(use.get().usedBytes()) + " of "
                        + DiskUse.bytes(use.get().totalBytes()) + "; it grows at " + policy.atPercent() + "%)";
                Optional<Instant> next = c.lastGrown().map(t -> t.plus(policy.cooldown()));
                if (c.capacityBytes() >= 0 && c.capacityBytes() < c.requestBytes()) {
                    held.add(new Held("VolumeGrowing", full + " and still growing to " + Quantity.kubernetesSize(c.requestBytes())
                            + " (the storage gives " + Quantity.kubernetesSize(c.capacityBytes()) + " so far)"));
                } else if (next.isPresent() && next.get().isAfter(now)) {
                    held.add(new Held("VolumeGrowthCoolingDown", full + "; it was grown at " + c.lastGrown().get() + " and grows again"
                            + " from " + next.get() + " (" + StorageGrowth.COOLDOWN + "); until then, free space: lower retention of"
                            + " its largest topics or move partitions away"));
                } else if (c.requestBytes() >= policy.maxBytes()) {
                    held.add(new Held("VolumeAtMaximum", full + " and at its maximum, " + Quantity.kubernetesSize(policy.maxBytes())
                            + "; raise " + StorageGrowth.MAX + ", add brokers and rebalance, or lower retention"));
                } else if (policy.next(c.requestBytes()) > target) {
                    target = policy.next(c.requestBytes());
                    reason = full;
                }
            }
            if (target <= c.requestBytes()) {
                continue;
            }
            if (c.notExpandable().isPresent()) {
                held.add(new Held("StorageNotExpandable", "claim " + c.name() + " stays at " + Quantity.kubernetesSize(c.requestBytes())
                        + " instead of " + Quantity.kubernetesSize(target) + " (" + reason + "): " + c.notExpandable().get()));
            } else {
                grown.add(new Grow(c, target, reason));
            }
        }
        return new Result(List.copyOf(grown), List.copyOf(held));
    }
}
