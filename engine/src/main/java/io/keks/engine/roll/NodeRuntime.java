package io.keks.engine.roll;

import io.keks.model.DesiredNode;
import java.time.Duration;

/**
 * What the engine needs from wherever nodes run: local processes, or pods on Kubernetes. The
 * engine decides what to do and when it is safe; a runtime only does it.
 */
public interface NodeRuntime {

    /** How the runtime sees a node, before Kafka is asked. */
    enum Health {
        /** Its process or pod runs. */
        RUNNING,
        /** It is not running. */
        DOWN,
        /** It keeps exiting soon after each start. */
        CRASH_LOOP
    }

    Health health(DesiredNode node);

    /**
     * Stops the node in an orderly way (a broker's controlled shutdown hands its leaderships over)
     * and starts it again with its desired configuration and Kafka version. Returns once it is
     * started, not once Kafka serves: the caller waits for that.
     */
    void restart(DesiredNode node, Duration grace) throws Exception;

    /** Stops the node for good (scale-down); it is not started again. */
    void stop(DesiredNode node, Duration grace) throws Exception;

    /** The node's name as users see it ({@code <cluster>-<pool>-<id>}). */
    String name(DesiredNode node);
}
