package io.keks.engine.roll;

import io.keks.model.DesiredNode;
import java.time.Duration;

/**
 * What the engine needs from wherever nodes run: local processes, or pods on Kubernetes. The
 * engine decides what to do and when it is safe; a runtime only does it. A restart is a
 * {@link #stop} followed by a {@link #start}, so the engine knows the moment the old process was
 * gone (it tells a restarted controller's fresh catch-up from the leader's memory of the old one).
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
     * Starts the node with its desired configuration and Kafka version (a new node: storage
     * formatted as it needs). Returns once it is started, not once Kafka serves: the caller waits for that.
     */
    void start(DesiredNode node) throws Exception;

    /**
     * Stops the node in an orderly way (a broker's controlled shutdown hands its leaderships over),
     * killing it after {@code grace}; returns once it is gone. The runtime does not start it again by
     * itself until {@link #start}.
     */
    void stop(DesiredNode node, Duration grace) throws Exception;

    /** Deletes what a node that left the cluster leaves behind (its storage and configuration); it is stopped. */
    void delete(DesiredNode node) throws Exception;

    /** The node's name as users see it ({@code <cluster>-<pool>-<id>}). */
    String name(DesiredNode node);

    /**
     * Where the other controllers reach a controller: the host and port of its control-plane listener, as the
     * metadata quorum is told when it is added as a voter.
     */
    HostPort controlPlane(DesiredNode controller);

    record HostPort(String host, int port) {
    }
}
