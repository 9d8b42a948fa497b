package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Asks the supervisor of a cluster to bring its nodes in line with what was applied: restart the
 * nodes whose configuration or version changed, and those in {@code manual}. Written by
 * {@code keks apply} and {@code keks roll}; the supervisor answers in {@link RollRecord}.
 *
 * @param manual          node ids to restart even when nothing about them changed
 * @param byRack          restart the brokers of one rack together when every partition spans racks
 * @param timeoutSeconds  bound of each wait of the roll (and of a drain without progress)
 * @param drainThrottleBytes replication throttle while brokers that leave are drained, bytes per second
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollRequest(String id, long requestedAt, Set<Integer> manual, boolean byRack, int timeoutSeconds,
                          long drainThrottleBytes) {
    public static final long DEFAULT_THROTTLE = 50L * 1024 * 1024;

    public RollRequest {
        manual = manual == null ? new TreeSet<>() : new TreeSet<>(manual);
        drainThrottleBytes = drainThrottleBytes <= 0 ? DEFAULT_THROTTLE : drainThrottleBytes;
    }

    public static RollRequest of(Set<Integer> manual, boolean byRack, int timeoutSeconds, long drainThrottleBytes) {
        return new RollRequest(UUID.randomUUID().toString(), System.currentTimeMillis(), manual, byRack, timeoutSeconds,
                drainThrottleBytes);
    }

    public static Path file(Path clusterDir) {
        return clusterDir.resolve("roll-request.json");
    }

    public void write(Path clusterDir) throws IOException {
        JsonFiles.write(file(clusterDir), this);
    }

    public static Optional<RollRequest> read(Path clusterDir) {
        return JsonFiles.read(file(clusterDir), RollRequest.class);
    }
}
