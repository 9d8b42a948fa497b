package io.keks.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the persistent volumes of a node pool grow on Kubernetes before they fill. The Strimzi API has no
 * field for it, so a pool asks with annotations ({@value #ENABLED}: "true" and the optional ones below);
 * growth is off unless asked for.
 *
 * @param atPercent   a volume grows once Kafka reports it this full (percent of its capacity)
 * @param stepBytes   it grows by at least this much...
 * @param stepPercent ...or by this percentage of its size, whichever is larger
 * @param maxBytes    never beyond this size
 * @param cooldown    never sooner than this after the last growth of the same claim (EBS allows one change per
 *                    volume about every 6 hours)
 */
public record StorageGrowth(int atPercent, long stepBytes, int stepPercent, long maxBytes, Duration cooldown) {
    public static final String ENABLED = "keks.io/storage-auto-grow";
    public static final String AT_PERCENT = "keks.io/storage-grow-at-percent";
    public static final String STEP = "keks.io/storage-grow-step";
    public static final String STEP_PERCENT = "keks.io/storage-grow-percent";
    public static final String MAX = "keks.io/storage-grow-max";
    public static final String COOLDOWN = "keks.io/storage-grow-cooldown";
    static final List<String> KEYS = List.of(ENABLED, AT_PERCENT, STEP, STEP_PERCENT, MAX, COOLDOWN);

    /** 80%, at least 50Gi or 20% more, at most 16Ti (the largest gp3 or st1 volume), once every 6 hours. */
    public static final StorageGrowth DEFAULTS = new StorageGrowth(80, 50L << 30, 20, 16L << 40, Duration.ofHours(6));

    private static final Pattern DURATION = Pattern.compile("(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");

    /**
     * The size a claim of {@code current} bytes grows to: by the larger of the step and the percentage, rounded up
     * to a whole GiB (what EBS sizes volumes in), at most the maximum.
     */
    public long next(long current) {
        long grown = current + Math.max(stepBytes, current / 100 * stepPercent);
        long gib = 1L << 30;
        return Math.min(maxBytes, (grown + gib - 1) / gib * gib);
    }

    /**
     * The policy a pool's annotations ask for; empty when growth is off. Each bad annotation is reported to
     * {@code error} as (annotation, message), and then the pool gets no policy.
     *
     * @param largestVolume the largest persistent-claim volume of the pool, 0 when it has none
     */
    public static Optional<StorageGrowth> read(Map<String, String> annotations, long largestVolume, BiConsumer<String, String> error) {
        boolean asked = false;
        boolean bad = false;
        for (String key : annotations.keySet()) {
            if (key.startsWith("keks.io/storage-")) {
                asked = true;
                if (!KEYS.contains(key)) {
                    error.accept(key, "is not a keks storage annotation; use " + String.join(", ", KEYS));
                    bad = true;
                }
            }
        }
        if (!asked) {
            return Optional.empty();
        }
        String enabled = annotations.get(ENABLED);
        if (enabled == null || !enabled.equals("true") && !enabled.equals("false")) {
            error.accept(ENABLED, enabled == null ? "is missing: set it to \"true\" to grow this pool's volumes, or remove the other "
                    + "keks.io/storage- annotations" : "is \"" + enabled + "\"; use \"true\" or \"false\"");
            return Optional.empty();
        }
        if (enabled.equals("false")) {
            return Optional.empty();
        }
        int at = percent(annotations, AT_PERCENT, DEFAULTS.atPercent, 1, 99, error);
        int stepPercent = percent(annotations, STEP_PERCENT, DEFAULTS.stepPercent, 0, 1000, error);
        long step = size(annotations, STEP, DEFAULTS.stepBytes, true, error);
        long max = size(annotations, MAX, DEFAULTS.maxBytes, false, error);
        Duration cooldown = DEFAULTS.cooldown;
        String c = annotations.get(COOLDOWN);
        if (c != null) {
            Matcher m = DURATION.matcher(c.trim());
            if (c.isBlank() || !m.matches()) {
                error.accept(COOLDOWN, "is \"" + c + "\"; write a duration like 6h, 90m or 6h30m");
                bad = true;
            } else {
                cooldown = Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
            }
        }
        bad |= at < 0 || stepPercent < 0 || step < 0 || max < 0;
        if (step == 0 && stepPercent == 0) {
            error.accept(STEP, "and " + STEP_PERCENT + " are both 0, so a volume would never grow; give one of them a size");
            bad = true;
        }
        if (largestVolume == 0) {
            error.accept(ENABLED, "asks to grow volumes, but the pool has no persistent-claim volume (ephemeral storage cannot grow)");
            bad = true;
        } else if (max >= 0 && max < largestVolume) {
            error.accept(MAX, "is below the size the pool's volumes already ask for (" + Quantity.kubernetesSize(largestVolume)
                    + "); raise it or remove it (the default is 16Ti)");
            bad = true;
        }
        return bad ? Optional.empty() : Optional.of(new StorageGrowth(at, step, stepPercent, max, cooldown));
    }

    private static long group(Matcher m, int i) {
        return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
    }

    private static int percent(Map<String, String> annotations, String key, int otherwise, int min, int max,
                               BiConsumer<String, String> error) {
        String v = annotations.get(key);
        if (v == null) {
            return otherwise;
        }
        try {
            int p = Integer.parseInt(v.trim().replaceFirst("%$", ""));
            if (p >= min && p <= max) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error.accept(key, "is \"" + v + "\"; use a whole percentage from " + min + " to " + max);
        return -1;
    }

    private static long size(Map<String, String> annotations, String key, long otherwise, boolean zeroAllowed,
                             BiConsumer<String, String> error) {
        String v = annotations.get(key);
        if (v == null) {
            return otherwise;
        }
        if (zeroAllowed && v.trim().equals("0")) {
            return 0;
        }
        Optional<Long> bytes = Quantity.kubernetesBytes(v);
        if (bytes.isEmpty()) {
            error.accept(key, "is \"" + v + "\"; write a size like 100Gi or 2Ti");
            return -1;
        }
        return bytes.get();
    }
}
