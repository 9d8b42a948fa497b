package io.keks.cli;

import io.keks.engine.topic.TopicStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How {@code apply} and {@code up} report KafkaTopics: a line each for a few; for many, one count per
 * outcome and a line only for those that are not ready, so 10,000 topics do not bury what needs a look.
 */
final class TopicLines {
    static final int EACH_UP_TO = 50;

    private TopicLines() {
    }

    /**
     * @param writeCalls the Admin write calls the reconciliation made: 0 means Kafka already matched, which
     *                   is then said; negative when the caller does not count them
     * @return how many topics are not ready (left alone on purpose does not count)
     */
    static int print(List<TopicStatus> topics, int writeCalls, PrintWriter out) {
        boolean each = topics.size() <= EACH_UP_TO;
        Map<String, Integer> counts = new TreeMap<>();
        int notReady = 0;
        int shown = 0;
        for (TopicStatus t : topics) {
            String outcome = t.ready() ? (t.reason().isEmpty() ? "ready" : t.reason()) : "NOT ready";
            counts.merge(outcome, 1, Integer::sum);
            boolean bad = !t.ready() && !TopicStatus.PAUSED.equals(t.reason());
            if (bad) {
                notReady++;
            }
            if (each || (!t.ready() && shown < EACH_UP_TO)) {
                shown++;
                out.println("kafkatopic/" + t.resourceName() + " " + line(t));
            }
        }
        if (!each) {
            if (shown < topics.size() - counts.getOrDefault("ready", 0) - counts.getOrDefault(TopicStatus.UNMANAGED, 0)) {
                out.println("  (the first " + shown + " not ready are shown; `keks get kafkatopics` lists all)");
            }
            StringBuilder sum = new StringBuilder("kafkatopics: " + topics.size() + " in all");
            counts.forEach((k, v) -> sum.append(", ").append(v).append(' ').append(k));
            out.println(sum);
        }
        if (writeCalls == 0 && !topics.isEmpty()) {
            out.println("kafkatopics unchanged: Kafka already matched them, nothing was written");
        }
        return notReady;
    }

    static String line(TopicStatus t) {
        if (TopicStatus.UNMANAGED.equals(t.reason())) {
            return "unmanaged: " + t.message();
        }
        if (TopicStatus.PAUSED.equals(t.reason())) {
            return "paused: " + t.message();
        }
        if (!t.ready()) {
            return "NOT ready: " + t.reason() + ": " + t.message();
        }
        return "ready (" + t.partitions() + " partitions, " + t.replicas() + " replicas)";
    }
}
