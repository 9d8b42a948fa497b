package io.keks.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the supervisor did with the last {@link RollRequest}, kept in roll.json: {@code keks apply}
 * follows it to show progress, {@code keks status} turns it into conditions.
 *
 * @param phase      Rolling, Done or Failed
 * @param current    names of the nodes restarting now
 * @param reasons    per node name, why it restarts (RestartReason names)
 * @param restarted  names of the nodes restarted so far, in order
 * @param failure    why the roll stopped (phase Failed)
 * @param events     what happened, numbered, the most recent last
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollRecord(String requestId, String phase, long startedAt, long finishedAt, List<String> current,
                         Map<String, List<String>> reasons, List<String> restarted, int total, String failure,
                         List<Event> events) {
    private static final int KEPT_EVENTS = 500;

    public record Event(int seq, long time, String message) {
    }

    public RollRecord {
        current = current == null ? List.of() : List.copyOf(current);
        reasons = reasons == null ? Map.of() : new TreeMap<>(reasons);
        restarted = restarted == null ? List.of() : List.copyOf(restarted);
        events = events == null ? List.of() : List.copyOf(events);
    }

    public boolean finished() {
        return phase.equals("Done") || phase.equals("Failed");
    }

    /** Why the node named {@code node} is yet to restart in a change in progress; empty when it is not. */
    public List<String> pending(String node) {
        return phase.equals("Rolling") && !restarted.contains(node) ? reasons.getOrDefault(node, List.of()) : List.of();
    }

    public static RollRecord started(String requestId) {
        return new RollRecord(requestId, "Rolling", System.currentTimeMillis(), 0, List.of(), Map.of(), List.of(), 0, null, List.of());
    }

    public RollRecord withEvent(String message) {
        List<Event> e = new ArrayList<>(events);
        e.add(new Event(events.isEmpty() ? 1 : events.get(events.size() - 1).seq() + 1, System.currentTimeMillis(), message));
        if (e.size() > KEPT_EVENTS) {
            e = e.subList(e.size() - KEPT_EVENTS, e.size());
        }
        return new RollRecord(requestId, phase, startedAt, finishedAt, current, reasons, restarted, total, failure, e);
    }

    public RollRecord withPlan(Map<String, List<String>> why) {
        return new RollRecord(requestId, phase, startedAt, finishedAt, current, why, restarted, why.size(), failure, events);
    }

    public RollRecord withCurrent(List<String> nodes) {
        return new RollRecord(requestId, phase, startedAt, finishedAt, nodes, reasons, restarted, total, failure, events);
    }

    public RollRecord withRestarted(String node) {
        List<String> r = new ArrayList<>(restarted);
        r.add(node);
        List<String> c = new ArrayList<>(current);
        c.remove(node);
        return new RollRecord(requestId, phase, startedAt, finishedAt, c, reasons, r, total, failure, events);
    }

    public RollRecord finish(String failureOrNull) {
        return new RollRecord(requestId, failureOrNull == null ? "Done" : "Failed", startedAt, System.currentTimeMillis(),
                List.of(), reasons, restarted, total, failureOrNull, events);
    }

    public static Path file(Path clusterDir) {
        return clusterDir.resolve("roll.json");
    }

    public void write(Path clusterDir) throws IOException {
        JsonFiles.write(file(clusterDir), this);
    }

    /**
     * The record of the last change of nodes; empty when there is none. A record that cannot be read is refused
     * ({@link DamagedFileException}): taking it for none could leave a change half done without a word.
     */
    public static Optional<RollRecord> read(Path clusterDir) {
        Path f = file(clusterDir);
        Optional<RollRecord> r;
        try {
            r = JsonFiles.readOrFail(f, RollRecord.class);
        } catch (IOException e) {
            throw damaged(f, DamagedFileException.why(e));
        }
        if (r.isPresent() && (r.get().requestId() == null || r.get().phase() == null)) {
            throw damaged(f, "its requestId or phase is missing");
        }
        return r;
    }

    private static DamagedFileException damaged(Path f, String why) {
        return new DamagedFileException(f, "the record of the last change of nodes (which nodes it restarted, started or drained,"
                + " and whether it finished)", why, "`keks status` shows what each node runs now; delete this file (it holds no"
                + " data) and run the change again: `keks up`, or `keks apply -f` with the manifests; a node already changed is not"
                + " restarted again");
    }
}
