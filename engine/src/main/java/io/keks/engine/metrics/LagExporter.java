package io.keks.engine.metrics;

import io.keks.engine.DiskUse;
import io.keks.engine.Offsets;
import io.keks.model.ExporterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Consumer lag and topic offsets as kafka_exporter reports them, under its metric names, so the
 * dashboards and alerts users have keep working. One poll is a fixed number of batched Admin calls
 * whatever the number of topics and groups: describe the cluster, list and describe the topics,
 * the latest and the oldest offsets of every partition, list the groups, describe them, and their
 * committed offsets.
 */
public final class LagExporter {
    private final Admin admin;
    private final long timeoutMs;

    public LagExporter(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** The lag of one group on one partition: how many records it has yet to read (never below zero). */
    public static long lag(long latestOffset, long committedOffset) {
        return Math.max(0, latestOffset - committedOffset);
    }

    /** One poll of the cluster, as the text of a Prometheus scrape. */
    public String poll(ExporterSpec spec) throws Exception {
        Filter topics = new Filter(spec.topicRegex(), spec.topicExcludeRegex());
        Filter groups = new Filter(spec.groupRegex(), spec.groupExcludeRegex());
        List<Integer> brokerIds = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).stream().map(Node::id).sorted().toList();
        int brokers = brokerIds.size();
        Set<String> names = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
                .filter(topics::accepts).collect(Collectors.toSet());
        Map<String, TopicDescription> described = new TreeMap<>(names.isEmpty() ? Map.of()
                : admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS));
        List<TopicPartition> partitions = new ArrayList<>();
        described.forEach((t, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
        Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> oldest = offsets(partitions, OffsetSpec.earliest());

        List<String> groupIds = Offsets.consumerGroups(admin, timeoutMs).stream().filter(groups::accepts).toList();
        Map<String, ConsumerGroupDescription> groupInfo = groupIds.isEmpty() ? Map.of()
                : admin.describeConsumerGroups(groupIds).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<String> shown = groupIds.stream()
                .filter(g -> spec.showAllOffsets() || (groupInfo.containsKey(g) && !groupInfo.get(g).members().isEmpty()))
                .toList();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = Offsets.committed(admin, shown, timeoutMs);

        PrometheusText.Writer out = new PrometheusText.Writer();
        // kafka_exporter's build info, which dashboards made for it (Strimzi's among them) use to find the exporter
        out.family("kafka_exporter_build_info", "gauge", "Always 1; names the exporter (keks' consumer-lag exporter).")
                .sample("kafka_exporter_build_info", 1, "version", "keks");
        out.family("kafka_brokers", "gauge", "Number of brokers in the Kafka cluster.").sample("kafka_brokers", brokers);
        writeTopics(out, described, latest, oldest);
        writeGroups(out, shown, groupInfo, committed, latest, described.keySet());
        writeLogDirs(out, DiskUse.read(admin, brokerIds, timeoutMs));
        return out.text();
    }

    /** Each broker log directory's filesystem as the broker reports it (describeLogDirs): what Kubernetes' volume stats cannot say locally. */
    private static void writeLogDirs(PrometheusText.Writer out, List<DiskUse> disks) {
        out.family("keks_log_dir_total_bytes", "gauge", "Size of the filesystem holding a broker's log directory, as the broker reports it.");
        disks.stream().filter(d -> d.totalBytes() >= 0).forEach(d -> out.sample("keks_log_dir_total_bytes", d.totalBytes(),
                "broker", String.valueOf(d.broker()), "dir", d.dir()));
        out.family("keks_log_dir_usable_bytes", "gauge", "Bytes still free on the filesystem of a broker's log directory.");
        disks.stream().filter(d -> d.usableBytes() >= 0).forEach(d -> out.sample("keks_log_dir_usable_bytes", d.usableBytes(),
                "broker", String.valueOf(d.broker()), "dir", d.dir()));
        out.family("keks_log_dir_offline", "gauge", "1 when the broker took the log directory offline (a failed or full disk).");
        disks.forEach(d -> out.sample("keks_log_dir_offline", d.offline() ? 1 : 0, "broker", String.valueOf(d.broker()), "dir", d.dir()));
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec which) throws Exception {
        return Offsets.of(admin, partitions, which, timeoutMs);
    }

    private static void writeTopics(PrometheusText.Writer out, Map<String, TopicDescription> topics,
                                    Map<TopicPartition, Long> latest, Map<TopicPartition, Long> oldest) {
        out.family("kafka_topic_partitions", "gauge", "Number of partitions of a topic.");
        topics.forEach((t, d) -> out.sample("kafka_topic_partitions", d.partitions().size(), "topic", t));
        perPartition(out, topics, latest, "kafka_topic_partition_current_offset", "Latest offset of a partition.");
        perPartition(out, topics, oldest, "kafka_topic_partition_oldest_offset", "Oldest offset of a partition.");
        partitionGauge(out, topics, "kafka_topic_partition_in_sync_replica", "Number of in-sync replicas of a partition.",
                p -> p.isr().size());
        partitionGauge(out, topics, "kafka_topic_partition_leader", "Broker id of a partition's leader (-1: none).",
                p -> p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id());
        partitionGauge(out, topics, "kafka_topic_partition_leader_is_preferred", "1 when a partition's leader is its preferred replica.",
                p -> p.leader() != null && !p.replicas().isEmpty() && p.replicas().get(0).id() == p.leader().id() ? 1 : 0);
        partitionGauge(out, topics, "kafka_topic_partition_replicas", "Number of replicas of a partition.", p -> p.replicas().size());
        partitionGauge(out, topics, "kafka_topic_partition_under_replicated_partition",
                "1 when a partition has fewer in-sync replicas than replicas.", p -> p.isr().size() < p.replicas().size() ? 1 : 0);
    }

    private static void perPartition(PrometheusText.Writer out, Map<String, TopicDescription> topics, Map<TopicPartition, Long> values,
                                     String name, String help) {
        out.family(name, "gauge", help);
        topics.forEach((t, d) -> d.partitions().forEach(p -> {
            Long v = values.get(new TopicPartition(t, p.partition()));
            if (v != null) {
                out.sample(name, v, "topic", t, "partition", String.valueOf(p.partition()));
            }
        }));
    }

    private static void partitionGauge(PrometheusText.Writer out, Map<String, TopicDescription> topics, String name, String help,
                                       ToDoubleFunction<TopicPartitionInfo> value) {
        out.family(name, "gauge", help);
        topics.forEach((t, d) -> d.partitions().forEach(p -> out.sample(name, value.applyAsDouble(p), "topic", t,
                "partition", String.valueOf(p.partition()))));
    }

    private static void writeGroups(PrometheusText.Writer out, List<String> groups, Map<String, ConsumerGroupDescription> info,
                                    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
                                    Map<TopicPartition, Long> latest, Set<String> topics) {
        out.family("kafka_consumergroup_members", "gauge", "Number of members of a consumer group.");
        for (String g : groups) {
            out.sample("kafka_consumergroup_members", info.containsKey(g) ? info.get(g).members().size() : 0, "consumergroup", g);
        }
        // per group and partition, in a stable order: group, topic, partition
        Map<String, Map<TopicPartition, Long>> offsets = new TreeMap<>();
        for (String g : groups) {
            Map<TopicPartition, Long> byPartition = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                    .thenComparingInt(TopicPartition::partition));
            committed.getOrDefault(g, Map.of()).forEach((tp, om) -> {
                if (om != null && topics.contains(tp.topic())) {
                    byPartition.put(tp, om.offset());
                }
            });
            offsets.put(g, byPartition);
        }
        out.family("kafka_consumergroup_current_offset", "gauge", "Offset a consumer group has committed on a partition.");
        offsets.forEach((g, m) -> m.forEach((tp, o) -> out.sample("kafka_consumergroup_current_offset", o,
                "consumergroup", g, "topic", tp.topic(), "partition", String.valueOf(tp.partition()))));
        out.family("kafka_consumergroup_current_offset_sum", "gauge", "Committed offsets of a consumer group on a topic, summed.");
        offsets.forEach((g, m) -> byTopic(m, (tp, o) -> o).forEach((t, sum) -> out.sample("kafka_consumergroup_current_offset_sum", sum,
                "consumergroup", g, "topic", t)));
        out.family("kafka_consumergroup_lag", "gauge", "Records on a partition a consumer group has yet to read.");
        offsets.forEach((g, m) -> m.forEach((tp, o) -> {
            if (latest.containsKey(tp)) {
                out.sample("kafka_consumergroup_lag", lag(latest.get(tp), o), "consumergroup", g, "topic", tp.topic(),
                        "partition", String.valueOf(tp.partition()));
            }
        }));
        out.family("kafka_consumergroup_lag_sum", "gauge", "Records on a topic a consumer group has yet to read, summed.");
        offsets.forEach((g, m) -> byTopic(m, (tp, o) -> latest.containsKey(tp) ? lag(latest.get(tp), o) : 0)
                .forEach((t, sum) -> out.sample("kafka_consumergroup_lag_sum", sum, "consumergroup", g, "topic", t)));
    }

    private static Map<String, Long> byTopic(Map<TopicPartition, Long> offsets,
                                             BiFunction<TopicPartition, Long, Long> value) {
        Map<String, Long> sums = new TreeMap<>();
        offsets.forEach((tp, o) -> sums.merge(tp.topic(), value.apply(tp, o), Long::sum));
        return sums;
    }

    /** kafka_exporter's matching: a name is in when the include pattern matches somewhere in it and the exclude one nowhere. */
    record Filter(Pattern include, Pattern exclude) {
        Filter(String include, String exclude) {
            this(Pattern.compile(include), exclude == null || exclude.isEmpty() ? null : Pattern.compile(exclude));
        }

        boolean accepts(String name) {
            return include.matcher(name).find() && (exclude == null || !exclude.matcher(name).find());
        }
    }
}
