package io.keks.engine.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user knows before a cluster exists, for {@link CapacityPlanner}.
 *
 * @param writeMBps         what producers write, in MB/s (before replication)
 * @param readFanout        how many times each byte is read (consumer groups reading everything)
 * @param retention         how long records are kept
 * @param replicationFactor copies of each partition
 * @param partitions        partitions over all topics; 0 when not known
 * @param zones             availability zones the brokers spread over
 * @param priority          what matters more: the monthly bill or each millisecond
 */
public record PlanInput(double writeMBps, double readFanout, Duration retention, int replicationFactor, int partitions, int zones,
                        Priority priority) {

    public enum Priority { COST, LATENCY }

    /** What is wrong with the input, each naming the option and the fix; empty when nothing is. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!(writeMBps > 0) || Double.isInfinite(writeMBps)) {
            out.add("--write-mbps is " + writeMBps + "; give what producers write in MB/s, more than 0 (for example 50)");
        }
        if (!(readFanout >= 0) || readFanout > 1000) {
            out.add("--read-fanout is " + readFanout + "; give how many consumer groups read every record, from 0 to 1000");
        }
        if (retention.isNegative() || retention.isZero()) {
            out.add("--retention is " + retention + "; give how long records are kept, for example 7d or 72h");
        }
        if (replicationFactor < 1 || replicationFactor > 7) {
            out.add("--replication-factor is " + replicationFactor + "; use 1 to 7 (3 is what most clusters run)");
        }
        if (partitions < 0) {
            out.add("--partitions is " + partitions + "; give the partitions of all topics, or leave it out");
        }
        if (zones < 1 || zones > 6) {
            out.add("--zones is " + zones + "; use 1 to 6 (3 is what most regions offer)");
        }
        return out;
    }
}
