package io.keks.engine.rebalance;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a KafkaRebalance asks for, once read.
 *
 * @param brokers            the brokers added or removed ({@link Mode#ADD_BROKERS}, {@link Mode#REMOVE_BROKERS})
 * @param goals              the goals in priority order; empty for {@link Goal#defaults()}
 * @param excludedTopics     topics whose replicas never move; null for none
 * @param capacity           the limits the capacity goals hold the brokers to
 */
public record RebalanceRequest(Mode mode, Set<Integer> brokers, List<String> goals, boolean skipHardGoalCheck, Pattern excludedTopics,
                               Capacity capacity) {

    public enum Mode {
        /** Every broker may give and take replicas. */
        FULL("full"),
        /** Replicas move only onto the brokers named, which are new. */
        ADD_BROKERS("add-brokers"),
        /** Every replica on the brokers named moves off them, before they are removed. */
        REMOVE_BROKERS("remove-brokers");

        private final String value;

        Mode(String value) {
            this.value = value;
        }

        /** The name {@code spec.mode} uses. */
        public String value() {
            return value;
        }
    }

    /**
     * The limits of the capacity goals, as Cruise Control defaults them: a disk is full at 80 % of its size, a
     * network link at 80 % of its rate; a broker holds at most 10,000 replicas.
     *
     * @param inboundBytesPerSecond  a broker's inbound network rate; 0 when not given (the goal then holds trivially)
     * @param outboundBytesPerSecond a broker's outbound network rate; 0 when not given
     */
    public record Capacity(int maxReplicasPerBroker, double diskThreshold, double networkThreshold, double inboundBytesPerSecond,
                           double outboundBytesPerSecond) {
        public static Capacity defaults() {
            return new Capacity(10_000, 0.8, 0.8, 0, 0);
        }
    }

    /** A full rebalance by the default goals. */
    public static RebalanceRequest full() {
        return new RebalanceRequest(Mode.FULL, Set.of(), List.of(), false, null, Capacity.defaults());
    }
}
