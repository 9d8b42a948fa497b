package io.keks.model;

/**
 * {@code spec.clusterCa} or {@code spec.clientsCa}: how long the CA and the certificates it signs are
 * valid, and how many days before they expire keks renews them (Strimzi's defaults: 365 and 30).
 */
public record CaSpec(int validityDays, int renewalDays) {
    public static final CaSpec DEFAULTS = new CaSpec(365, 30);

    /** Whether a certificate that is valid until {@code notAfterMillis} is due for renewal at {@code nowMillis}. */
    public boolean due(long notAfterMillis, long nowMillis) {
        return notAfterMillis - nowMillis < renewalDays * 86_400_000L;
    }
}
