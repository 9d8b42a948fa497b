package io.keks.engine.rebalance;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A rebalance worked out and not yet carried out: the new replica list of every partition that changes, what
 * that costs, and the load of every broker before and after.
 *
 * @param moves               each changed partition's replica list when done (the first replica leads)
 * @param replicaMovements    replicas that move to another broker
 * @param leaderMovements     partitions whose preferred leader changes while their replicas stay
 * @param dataToMoveBytes     the bytes the moving replicas hold
 * @param goals               each goal asked for and whether it holds after the moves
 * @param notEvaluated        goals asked for that keks cannot weigh (named, never dropped in silence)
 */
public record Proposal(Map<TopicPartition, List<Integer>> moves, int replicaMovements, int leaderMovements, long dataToMoveBytes,
                       double balancednessBefore, double balancednessAfter, List<BrokerLoad> before, List<BrokerLoad> after,
                       List<GoalResult> goals, List<String> notEvaluated, List<String> excludedTopics) {

    /** The load of one broker. */
    public record BrokerLoad(int broker, String rack, int replicas, int leaders, long diskBytes, double diskPercent,
                             double networkInBytesPerSecond, double networkOutBytesPerSecond, double leaderBytesInPerSecond) {
    }

    /** A goal, whether it held before and holds after, and what breaks it. */
    public record GoalResult(String goal, boolean hard, boolean metBefore, boolean metAfter, String detail) {
    }
}
