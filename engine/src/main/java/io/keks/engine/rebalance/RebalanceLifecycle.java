package io.keks.engine.rebalance;

/**
 * What a pass does with a KafkaRebalance, from its state and its {@code strimzi.io/rebalance} annotation, as
 * Strimzi's lifecycle has it: a new or refreshed rebalance gets a proposal; an approved proposal (or one with
 * auto-approval) is carried out; {@code stop} stops a running rebalance between batches; {@code refresh} asks for
 * a new proposal from any state but a running one, which is stopped first. Pure.
 */
public final class RebalanceLifecycle {
    private RebalanceLifecycle() {
    }

    public enum Action {
        /** Sample the load and plan: ProposalReady, or NotReady with the reason. */
        PROPOSE,
        /** Carry out the stored proposal (or go on with it): Rebalancing, then Ready, Stopped or NotReady. */
        EXECUTE,
        /** A running rebalance is to stop: Stopped. */
        STOP,
        /** Stop a running rebalance, then propose again. */
        STOP_AND_PROPOSE,
        /** Nothing until the user annotates. */
        WAIT
    }

    /** @param annotation approve, refresh, stop, or "" */
    public static Action next(String state, String annotation, boolean autoApproval) {
        return switch (state) {
            case RebalanceState.NEW, RebalanceState.PENDING_PROPOSAL -> Action.PROPOSE;
            case RebalanceState.PROPOSAL_READY -> switch (annotation) {
                case "approve" -> Action.EXECUTE;
                case "refresh" -> Action.PROPOSE;
                default -> autoApproval ? Action.EXECUTE : Action.WAIT;
            };
            case RebalanceState.REBALANCING -> switch (annotation) {
                case "stop" -> Action.STOP;
                case "refresh" -> Action.STOP_AND_PROPOSE;
                default -> Action.EXECUTE;
            };
            default -> annotation.equals("refresh") ? Action.PROPOSE : Action.WAIT;
        };
    }

    /** Whether the annotation has been acted on in {@code action}, and so is removed (Strimzi removes it too). */
    public static boolean consumes(Action action, String annotation) {
        return switch (action) {
            case PROPOSE -> annotation.equals("refresh");
            case EXECUTE -> annotation.equals("approve");
            case STOP, STOP_AND_PROPOSE -> !annotation.isEmpty();
            case WAIT -> false;
        };
    }
}
