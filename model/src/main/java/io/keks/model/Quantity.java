package io.keks.model;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as Kubernetes writes them (100Gi, 500M) and as the JVM does (-Xmx6g). */
public final class Quantity {
    private static final Pattern KUBERNETES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMGTPE]i?|k|m)?");
    private static final Pattern JVM = Pattern.compile("([0-9]+)([kKmMgGtT]?)");
    private static final Map<String, Long> FACTOR = Map.ofEntries(
            Map.entry("", 1L), Map.entry("k", 1000L), Map.entry("K", 1000L), Map.entry("M", 1000_000L),
            Map.entry("G", 1000_000_000L), Map.entry("T", 1000_000_000_000L), Map.entry("P", 1000_000_000_000_000L),
            Map.entry("Ki", 1L << 10), Map.entry("Mi", 1L << 20), Map.entry("Gi", 1L << 30),
            Map.entry("Ti", 1L << 40), Map.entry("Pi", 1L << 50));

    private Quantity() {
    }

    /** Bytes of a Kubernetes quantity, or empty when it is not one (or is below one byte). */
    public static Optional<Long> kubernetesBytes(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = KUBERNETES.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String suffix = m.group(2) == null ? "" : m.group(2);
        Long factor = FACTOR.get(suffix);
        if (factor == null) {
            return Optional.empty();
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(factor));
        return bytes.signum() > 0 ? Optional.of(bytes.longValue()) : Optional.empty();
    }

    /** A size as Kubernetes writes it, in the largest binary unit that divides it whole: 100Gi, 1536Mi, 4Ti. */
    public static String kubernetesSize(long bytes) {
        String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (50 - 10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** Bytes of a JVM size such as 6g, 512m or 1048576. */
    public static Optional<Long> jvmBytes(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = JVM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2).toLowerCase()) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            case "t" -> n << 40;
            default -> n;
        });
    }

    /** A JVM size for {@code -Xmx}, in whole megabytes. */
    public static String jvmSize(long bytes) {
        long mb = Math.max(1, bytes >> 20);
        return mb % 1024 == 0 ? (mb / 1024) + "g" : mb + "m";
    }
}
