package io.keks.engine.rebalance;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The optimization goals a KafkaRebalance may name, by Cruise Control's names and with its meaning of hard
 * and soft: a proposal that breaks a hard goal is not made; soft goals are met as far as the hard ones allow,
 * in the order given. The order of this enum is Cruise Control's default priority.
 */
public enum Goal {
    RACK_AWARE("RackAwareGoal", true, true),
    RACK_AWARE_DISTRIBUTION("RackAwareDistributionGoal", true, true),
    MIN_TOPIC_LEADERS_PER_BROKER("MinTopicLeadersPerBrokerGoal", true, false),
    REPLICA_CAPACITY("ReplicaCapacityGoal", true, true),
    DISK_CAPACITY("DiskCapacityGoal", true, true),
    NETWORK_INBOUND_CAPACITY("NetworkInboundCapacityGoal", true, true),
    NETWORK_OUTBOUND_CAPACITY("NetworkOutboundCapacityGoal", true, true),
    CPU_CAPACITY("CpuCapacityGoal", true, false),
    REPLICA_DISTRIBUTION("ReplicaDistributionGoal", false, true),
    POTENTIAL_NETWORK_OUTBOUND("PotentialNwOutGoal", false, false),
    DISK_USAGE_DISTRIBUTION("DiskUsageDistributionGoal", false, true),
    NETWORK_INBOUND_USAGE_DISTRIBUTION("NetworkInboundUsageDistributionGoal", false, true),
    NETWORK_OUTBOUND_USAGE_DISTRIBUTION("NetworkOutboundUsageDistributionGoal", false, true),
    CPU_USAGE_DISTRIBUTION("CpuUsageDistributionGoal", false, false),
    TOPIC_REPLICA_DISTRIBUTION("TopicReplicaDistributionGoal", false, true),
    LEADER_REPLICA_DISTRIBUTION("LeaderReplicaDistributionGoal", false, true),
    LEADER_BYTES_IN_DISTRIBUTION("LeaderBytesInDistributionGoal", false, true),
    PREFERRED_LEADER_ELECTION("PreferredLeaderElectionGoal", false, true);

    private final String ccName;
    private final boolean hard;
    private final boolean evaluated;

    Goal(String ccName, boolean hard, boolean evaluated) {
        this.ccName = ccName;
        this.hard = hard;
        this.evaluated = evaluated;
    }

    /** The name Cruise Control and the KafkaRebalance resource use. */
    public String ccName() {
        return ccName;
    }

    /** A hard goal: a proposal that breaks it is not made. */
    public boolean hard() {
        return hard;
    }

    /**
     * Whether keks can weigh this goal. CPU is not seen through the Admin API, and keks has no per-topic
     * leader minimum configured; such goals are named in the status as not evaluated, never silently dropped.
     */
    public boolean evaluated() {
        return evaluated;
    }

    /** The goal of a name as Cruise Control spells it, also without its package ({@code com.linkedin...RackAwareGoal}). */
    public static Optional<Goal> of(String name) {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return Arrays.stream(values()).filter(g -> g.ccName.equals(simple)).findFirst();
    }

    /** The goals used when a KafkaRebalance names none: every goal keks weighs, in the default order. */
    public static List<Goal> defaults() {
        return Arrays.stream(values()).filter(Goal::evaluated).filter(g -> g != RACK_AWARE_DISTRIBUTION && g != PREFERRED_LEADER_ELECTION)
                .toList();
    }

    /**
     * The hard goals a list of goals must name unless {@code skipHardGoalCheck} is set: Cruise Control's default
     * hard goals that keks weighs (its CPU and minimum-leaders goals it cannot, so it does not insist on them).
     */
    public static List<Goal> defaultHard() {
        return List.of(RACK_AWARE, REPLICA_CAPACITY, DISK_CAPACITY, NETWORK_INBOUND_CAPACITY, NETWORK_OUTBOUND_CAPACITY);
    }
}
