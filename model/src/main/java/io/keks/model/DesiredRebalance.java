package io.keks.model;

import java.util.List;
import java.util.Map;

/**
 * A KafkaRebalance as keks reads it.
 *
 * @param mode            {@code full}, {@code add-brokers}, {@code remove-brokers} or {@code remove-disks}
 * @param goals           Cruise Control goal names in priority order; empty for the defaults
 * @param excludedTopics  a regular expression of topics that never move; null for none
 * @param annotation      {@code strimzi.io/rebalance}: approve, refresh, stop, or "" when not set
 * @param autoApproval    {@code strimzi.io/rebalance-auto-approval: "true"}
 * @param template        {@code strimzi.io/rebalance-template: "true"}: settings for auto-rebalancing, never run itself
 * @param volumes         {@code remove-disks}: broker id to the JBOD volume ids to empty ({@code moveReplicasOffVolumes})
 */
public record DesiredRebalance(String name, String cluster, String mode, List<Integer> brokers, List<String> goals,
                               boolean skipHardGoalCheck, String excludedTopics, int movesPerBroker, int leaderMovements,
                               long replicationThrottle, String annotation, boolean autoApproval, boolean template,
                               Map<Integer, List<Integer>> volumes) {
    public static final String ANNOTATION = "strimzi.io/rebalance";
    public static final String AUTO_APPROVAL = "strimzi.io/rebalance-auto-approval";
    public static final String TEMPLATE = "strimzi.io/rebalance-template";
    /** Cruise Control's defaults, which Strimzi keeps. */
    public static final int DEFAULT_MOVES_PER_BROKER = 5;
    public static final int DEFAULT_LEADER_MOVEMENTS = 1000;
}
