package io.keks.local.dashboard;

import io.keks.engine.ClusterHealth;
import io.keks.engine.metrics.PrometheusText.Sample;
import io.keks.engine.metrics.PrometheusText;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One look at a cluster: what each node's metrics endpoint and the consumer-lag exporter said at
 * {@code at}. Counters stay counters here; {@link DashboardSampler} turns two looks into rates.
 *
 * @param lagByGroup         consumer lag summed per group; empty when no exporter runs
 * @param diskUsedFraction   how full the file system holding the nodes' data is (0..1)
 * @param health             what the Admin API said of the partitions and brokers; null when no broker answered
 */
public record Glance(long at, List<NodeLook> nodes, Map<String, Double> lagByGroup, Double diskUsedFraction,
                     ClusterHealth.Look health) {

    /** A node the dashboard shows, as the supervisor knows it. */
    public record Target(int id, String name, List<String> roles, boolean running, Optional<String> metricsUrl) {
        boolean isBroker() {
            return roles.contains("broker");
        }
    }

    /**
     * A node's numbers; each is null when its scrape did not give it (metrics off, node down, or
     * a series this node's role has not got).
     */
    public record NodeLook(Target target, boolean scraped, Double bytesIn, Double bytesOut, Double messagesIn,
                           Double heapUsed, Double heapMax, Double logBytes, Double partitions, Double leaders,
                           Double underReplicated, Double underMinIsr, Double activeController,
                           Double offlinePartitions, Double activeBrokers) {

        static NodeLook of(Target t, Optional<List<Sample>> scrape) {
            if (scrape.isEmpty()) {
                return new NodeLook(t, false, null, null, null, null, null, null, null, null, null, null, null, null, null);
            }
            List<Sample> s = scrape.get();
            return new NodeLook(t, true,
                    unlabelled(s, "kafka_server_brokertopicmetrics_bytesin_total"),
                    unlabelled(s, "kafka_server_brokertopicmetrics_bytesout_total"),
                    unlabelled(s, "kafka_server_brokertopicmetrics_messagesin_total"),
                    PrometheusText.value(s, "jvm_memory_used_bytes", Map.of("area", "heap")).orElse(null),
                    PrometheusText.value(s, "jvm_memory_max_bytes", Map.of("area", "heap")).orElse(null),
                    sum(s, "kafka_log_log_size"),
                    unlabelled(s, "kafka_server_replicamanager_partitioncount"),
                    unlabelled(s, "kafka_server_replicamanager_leadercount"),
                    unlabelled(s, "kafka_server_replicamanager_underreplicatedpartitions"),
                    unlabelled(s, "kafka_server_replicamanager_underminisrpartitioncount"),
                    unlabelled(s, "kafka_controller_kafkacontroller_activecontrollercount"),
                    unlabelled(s, "kafka_controller_kafkacontroller_offlinepartitionscount"),
                    unlabelled(s, "kafka_controller_kafkacontroller_activebrokercount"));
        }

        /** The cluster-wide series of a family that also has per-topic ones. */
        private static Double unlabelled(List<Sample> s, String name) {
            return s.stream().filter(x -> x.name().equals(name) && x.labels().isEmpty()).map(Sample::value).findFirst().orElse(null);
        }

        private static Double sum(List<Sample> s, String name) {
            List<Sample> all = PrometheusText.named(s, name);
            return all.isEmpty() ? null : all.stream().mapToDouble(Sample::value).sum();
        }
    }

    /** The cluster at a glance: what the page's cards show. Null where neither the Admin API nor a scrape tells. */
    public record Headline(int brokersOnline, int brokers, Integer activeController, Double underReplicated,
                           Double offlinePartitions, Double underMinIsr) {
    }

    /** From the Admin API when it answered, which needs no metrics; otherwise from the nodes' metrics. */
    public Headline headline() {
        int brokers = (int) nodes.stream().filter(n -> n.target().isBroker()).count();
        if (health != null) {
            return new Headline(health.brokersServing(), brokers,
                    health.activeController().isPresent() ? health.activeController().getAsInt() : null,
                    (double) health.underReplicated(), (double) health.offline(), (double) health.underMinIsr());
        }
        Optional<NodeLook> active = nodes.stream().filter(n -> n.activeController() != null && n.activeController() == 1).findFirst();
        // Kafka's own count of registered, unfenced brokers when the active controller tells it;
        // otherwise the broker processes that run
        int online = active.map(NodeLook::activeBrokers).filter(Objects::nonNull).map(Double::intValue)
                .orElse((int) nodes.stream().filter(n -> n.target().isBroker() && n.target().running()).count());
        return new Headline(online, brokers, active.map(n -> n.target().id()).orElse(null),
                total(NodeLook::underReplicated), active.map(NodeLook::offlinePartitions).orElse(null), total(NodeLook::underMinIsr));
    }

    private Double total(Function<NodeLook, Double> value) {
        List<Double> known = nodes.stream().map(value).filter(Objects::nonNull).toList();
        return known.isEmpty() ? null : known.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Lag per consumer group from the exporter's scrape (kafka_exporter's kafka_consumergroup_lag). */
    static Map<String, Double> lagByGroup(List<Sample> exporter) {
        Map<String, Double> out = new TreeMap<>();
        for (Sample s : PrometheusText.named(exporter, "kafka_consumergroup_lag")) {
            String group = s.label("consumergroup");
            if (group != null && !Double.isNaN(s.value())) {
                out.merge(group, s.value(), Double::sum);
            }
        }
        return out;
    }
}
