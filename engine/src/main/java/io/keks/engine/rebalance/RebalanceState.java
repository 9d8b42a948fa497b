package io.keks.engine.rebalance;

import java.util.List;
import java.util.Map;

/**
 * What keks keeps of one KafkaRebalance between passes: its state and reason as the status shows them, the
 * proposal (so that approving it carries out exactly what was shown, and a restart resumes it), its summary
 * and broker loads, and the progress of its execution. Locally a file; on Kubernetes the status and the
 * rebalance's ConfigMap.
 *
 * @param state              New, PendingProposal, ProposalReady, Rebalancing, Stopped, Ready or NotReady
 * @param reason             why NotReady, or what a rebalance waits for; "" otherwise
 * @param optimizationResult the summary Strimzi puts in {@code status.optimizationResult}
 * @param proposal           each partition to change, with its replicas when done and its size
 * @param brokerLoad         broker id to each measure's before, after and difference, as Strimzi's ConfigMap holds them
 */
public record RebalanceState(String state, String reason, String sessionId, Map<String, Object> optimizationResult,
                             List<Move> proposal, Map<String, Map<String, Map<String, Double>>> brokerLoad,
                             RebalanceExecutor.Progress progress, String lastTransitionTime) {

    public static final String NEW = "New";
    public static final String PENDING_PROPOSAL = "PendingProposal";
    public static final String PROPOSAL_READY = "ProposalReady";
    public static final String REBALANCING = "Rebalancing";
    public static final String STOPPED = "Stopped";
    public static final String READY = "Ready";
    public static final String NOT_READY = "NotReady";

    /**
     * One partition of a proposal: its replicas when done, or with {@code logDir} the log directory its replica on
     * {@code broker} moves to ({@code remove-disks}).
     */
    public record Move(String topic, int partition, List<Integer> replicas, long bytes, Integer broker, String logDir) {
        public Move(String topic, int partition, List<Integer> replicas, long bytes) {
            this(topic, partition, replicas, bytes, null, null);
        }
    }

    public static RebalanceState fresh() {
        return new RebalanceState(NEW, "", "", Map.of(), List.of(), Map.of(), null, "");
    }

    RebalanceState with(String newState, String newReason, String now) {
        return new RebalanceState(newState, newReason, sessionId, optimizationResult, proposal, brokerLoad, progress,
                newState.equals(state) ? lastTransitionTime : now);
    }

    RebalanceState withProgress(RebalanceExecutor.Progress p) {
        return new RebalanceState(state, reason, sessionId, optimizationResult, proposal, brokerLoad, p, lastTransitionTime);
    }
}
