package io.keks.engine.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which topics' configs a periodic resync reads. Reading configs is what costs in a pass over topics
 * in sync (Kafka's describeConfigs of 10,000 topics took 3 - 10 s on the development machine, its
 * describeTopics of the same half a second), so each resync compares the configs of a share of the
 * topics, taking turns in name order: at least {@value #MIN_PER_PASS} per pass, and enough that
 * every topic's turn comes within {@value #PASSES_PER_ROUND} passes. Partitions and replicas are
 * compared for every topic on every pass, and a change to a KafkaTopic reconciles its configs at once.
 */
public final class ConfigTurns {
    static final int MIN_PER_PASS = 1_000;
    static final int PASSES_PER_ROUND = 10;
    /** The last topic name whose turn came; the next turn starts after it. */
    private String last = "";

    /** The topics (of {@code topicNames}) whose configs this pass reads. */
    public synchronized Set<String> next(Collection<String> topicNames) {
        TreeSet<String> sorted = new TreeSet<>(topicNames);
        int share = Math.max(MIN_PER_PASS, (sorted.size() + PASSES_PER_ROUND - 1) / PASSES_PER_ROUND);
        if (sorted.size() <= share) {
            last = "";
            return new HashSet<>(sorted);
        }
        List<String> turn = new ArrayList<>(share);
        for (String name : sorted.tailSet(last, false)) {
            if (turn.size() == share) {
                break;
            }
            turn.add(name);
        }
        for (String name : sorted) { // wrapping around to the start
            if (turn.size() == share) {
                break;
            }
            turn.add(name);
        }
        last = turn.get(turn.size() - 1);
        return new HashSet<>(turn);
    }
}
