package io.keks.engine.topic;

import io.keks.engine.roll.ReplicationThrottle;
import io.keks.model.DesiredTopic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes Kafka's topics match KafkaTopic resources through one shared Admin client, for both the
 * local cluster and the operator. Each step is one batched Admin call for all the topics given
 * (describe, create, create partitions, describe configs, alter configs, reassign), and a topic
 * already in sync causes no write at all: a pass over topics in sync only reads.
 *
 * <p>Per KafkaTopic: of two for one Kafka topic the older manages it and the other gets
 * ResourceConflict; an unmanaged or paused one is left alone; a replication factor change moves
 * replicas by partition reassignment, rack-aware and throttled, and reports its progress until a
 * later pass finds it done and removes the throttle. Kafka topics no KafkaTopic names are never
 * touched.
 */
public final class TopicReconciler {
    private final Admin admin;
    private final long timeoutMs;
    private final long throttleBytesPerSecond;
    private int writeCalls;
    private boolean reassigning;
    /** Topics whose partitions were added in this pass, with their new count. */
    private final Map<String, Integer> grown = new HashMap<>();

    /** The statuses, in the order of the topics given, and how many Admin write calls the pass made. */
    public record Result(List<TopicStatus> statuses, int writeCalls) {
        public boolean changing() {
            return statuses.stream().anyMatch(s -> s.replicasChange() != null);
        }
    }

    /**
     * @param throttleBytesPerSecond the replication rate a replication factor change may use on each broker
     */
    public TopicReconciler(Admin admin, long timeoutMs, long throttleBytesPerSecond) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
        this.throttleBytesPerSecond = throttleBytesPerSecond;
    }

    /** A pass over {@code desired}, comparing every topic's configs too. */
    public Result reconcile(List<DesiredTopic> desired) throws InterruptedException {
        return reconcile(desired, t -> true);
    }

    /**
     * A pass over {@code desired} that reads and compares the configs only of the topics
     * {@code readConfigs} accepts (and of any whose replicas move, for their throttle): a periodic
     * resync takes them in turns ({@link ConfigTurns}).
     */
    public Result reconcile(List<DesiredTopic> desired, Predicate<DesiredTopic> readConfigs) throws InterruptedException {
        return reconcile(desired, readConfigs, t -> true);
    }

    /**
     * As {@link #reconcile(List, Predicate)}, where the topics {@code seen} rejects are ones keks has never
     * reconciled (KafkaTopics applied for the first time): they are created at once, without asking Kafka
     * about them first, as nearly all of them will not exist yet; one that does is then described and
     * handled like any other (creating it changes nothing: Kafka answers that it exists).
     */
    public Result reconcile(List<DesiredTopic> desired, Predicate<DesiredTopic> readConfigs, Predicate<DesiredTopic> seen)
            throws InterruptedException {
        writeCalls = 0;
        reassigning = false;
        grown.clear();
        Map<String, TopicStatus> status = new LinkedHashMap<>();
        List<DesiredTopic> managed = new ArrayList<>();
        for (DesiredTopic t : TopicOwners.withoutConflicts(desired, status)) {
            if (!t.managed()) {
                status.put(t.resourceName(), leftAlone(t, TopicStatus.UNMANAGED, "strimzi.io/managed is \"false\": keks leaves the topic alone"));
            } else if (t.paused()) {
                status.put(t.resourceName(), leftAlone(t, TopicStatus.PAUSED, "strimzi.io/pause-reconciliation is \"true\""));
            } else {
                managed.add(t);
            }
        }
        if (!managed.isEmpty()) {
            List<DesiredTopic> known = managed.stream().filter(seen).toList();
            Map<String, TopicDescription> existing = known.isEmpty() ? new HashMap<>() : describe(known, status);
            List<DesiredTopic> exist = create(managed.stream().filter(t -> !existing.containsKey(t.topicName())
                    && !status.containsKey(t.resourceName())).toList(), status);
            if (!exist.isEmpty()) {
                // topics new to keks that Kafka already had, or ones the broker asked did not know yet (its
                // metadata lags the controller's by a moment): look again
                existing.putAll(describe(exist, status));
                exist.stream().filter(t -> !existing.containsKey(t.topicName()) && !status.containsKey(t.resourceName()))
                        .forEach(t -> status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, new IllegalStateException(
                                "Kafka says topic " + t.topicName() + " exists but does not describe it yet; the next pass looks again"))));
            }
            Map<String, Moving> moving = moving(managed, existing, status);
            List<DesiredTopic> present = managed.stream().filter(t -> existing.containsKey(t.topicName())).toList();
            Map<String, Integer> started = alterPartitionsAndReplicas(present, existing, moving, status);
            Set<String> throttled = new TreeSet<>(moving.keySet());
            throttled.addAll(started.keySet());
            boolean throttleRemoved = alterConfigs(present.stream()
                    .filter(t -> readConfigs.test(t) || throttled.contains(t.topicName())).toList(), throttled, status);
            if (throttleRemoved && !reassigning && started.isEmpty()) {
                ReplicaChanges changes = new ReplicaChanges(admin, timeoutMs, callMs(), throttleBytesPerSecond);
                changes.removeBrokerThrottle();
                writeCalls += changes.writeCalls;
            }
            for (DesiredTopic t : present) {
                TopicDescription d = existing.get(t.topicName());
                Moving m = moving.get(t.topicName());
                Moving changing = m != null ? m : started.containsKey(t.topicName())
                        ? new Moving(started.get(t.topicName()), replicationFactor(d)) : null;
                int partitions = grown.getOrDefault(t.topicName(), d.partitions().size());
                int replicas = changing == null ? replicationFactor(d) : changing.fromReplicas();
                status.computeIfAbsent(t.resourceName(), n -> new TopicStatus(t.resourceName(), t.topicName(), true, "", "",
                        d.topicId().toString(), partitions, replicas, changing == null ? null : change(t, changing.partitions(), partitions)));
            }
        }
        List<TopicStatus> out = new ArrayList<>();
        desired.forEach(t -> out.add(status.get(t.resourceName())));
        return new Result(out, writeCalls);
    }

    /**
     * Deletes the Kafka topics of KafkaTopics that were deleted, in batched calls; a topic already gone
     * counts as deleted. Unmanaged topics are not deleted.
     *
     * @return the resource names whose topic is gone, and the error of each other one
     */
    public Map<String, Optional<String>> delete(List<DesiredTopic> deleted) throws InterruptedException {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        List<DesiredTopic> managed = deleted.stream().filter(DesiredTopic::managed).toList();
        deleted.stream().filter(t -> !t.managed()).forEach(t -> out.put(t.resourceName(), Optional.empty()));
        if (managed.isEmpty()) {
            return out;
        }
        Map<String, String> names = new LinkedHashMap<>();
        managed.forEach(t -> names.put(t.topicName(), t.topicName()));
        Map<String, KafkaFuture<Void>> futures = new HashMap<>();
        for (Map<String, String> chunk : chunks(names, n -> 1)) {
            writeCalls++;
            futures.putAll(admin.deleteTopics(chunk.keySet(), new DeleteTopicsOptions().timeoutMs(callMs())).topicNameValues());
        }
        for (DesiredTopic t : managed) {
            try {
                futures.get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS);
                out.put(t.resourceName(), Optional.empty());
            } catch (ExecutionException e) {
                out.put(t.resourceName(), e.getCause() instanceof UnknownTopicOrPartitionException ? Optional.empty()
                        : Optional.of(message(e.getCause())));
            } catch (TimeoutException e) {
                out.put(t.resourceName(), Optional.of("Kafka did not answer within " + timeoutMs + " ms"));
            }
        }
        return out;
    }

    private Map<String, TopicDescription> describe(List<DesiredTopic> desired, Map<String, TopicStatus> status)
            throws InterruptedException {
        Map<String, TopicDescription> found = new HashMap<>();
        List<String> names = desired.stream().map(DesiredTopic::topicName).toList();
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(callMs())).topicNameValues();
        for (DesiredTopic t : desired) {
            try {
                found.put(t.topicName(), futures.get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e.getCause()));
                }
            } catch (TimeoutException e) {
                status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
        return found;
    }

    /** A topic with partitions being reassigned: how many, and its replication factor before the change. */
    private record Moving(int partitions, int fromReplicas) {
    }

    /** The topics with partitions being reassigned now (by keks or anyone). */
    private Map<String, Moving> moving(List<DesiredTopic> desired, Map<String, TopicDescription> existing,
                                        Map<String, TopicStatus> status) throws InterruptedException {
        if (existing.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, Moving> out = new HashMap<>();
            var all = admin.listPartitionReassignments(new ListPartitionReassignmentsOptions().timeoutMs(callMs())).reassignments().get(timeoutMs, TimeUnit.MILLISECONDS);
            reassigning = !all.isEmpty();
            all.forEach((tp, r) -> out.merge(tp.topic(), new Moving(1, r.replicas().size() - r.addingReplicas().size()),
                    (a, b) -> new Moving(a.partitions() + 1, Math.max(a.fromReplicas(), b.fromReplicas()))));
            out.keySet().retainAll(existing.keySet());
            return out;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            desired.stream().filter(t -> existing.containsKey(t.topicName()))
                    .forEach(t -> status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, cause)));
            existing.clear();
            return Map.of();
        }
    }

    /** @return the topics Kafka said already exist: created meanwhile, or not yet known to the broker that described them */
    private List<DesiredTopic> create(List<DesiredTopic> missing, Map<String, TopicStatus> status) throws InterruptedException {
        List<DesiredTopic> exist = new ArrayList<>();
        if (missing.isEmpty()) {
            return exist;
        }
        Map<String, NewTopic> requests = new LinkedHashMap<>();
        missing.forEach(t -> requests.put(t.topicName(), new NewTopic(t.topicName(),
                t.partitions().isPresent() ? Optional.of(t.partitions().getAsInt()) : Optional.empty(),
                t.replicas().isPresent() ? Optional.of((short) t.replicas().getAsInt()) : Optional.empty())
                .configs(t.config())));
        Map<String, CreateTopicsResult> resultOf = new HashMap<>();
        Map<String, KafkaFuture<Void>> created = new HashMap<>();
        // a topic record, one per partition and one per config
        int calls = 0;
        for (Map<String, NewTopic> chunk : chunks(requests, n -> 1 + Math.max(1, n.numPartitions()) + n.configs().size())) {
            calls++;
            var result = admin.createTopics(chunk.values(), new CreateTopicsOptions().timeoutMs(callMs()));
            chunk.keySet().forEach(name -> resultOf.put(name, result));
            // values() makes a new future for every topic of the call each time it is asked: once per call, not per topic
            created.putAll(result.values());
        }
        for (DesiredTopic t : missing) {
            try {
                var result = resultOf.get(t.topicName());
                created.get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS);
                status.put(t.resourceName(), new TopicStatus(t.resourceName(), t.topicName(), true, "", "",
                        result.topicId(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS).toString(),
                        result.numPartitions(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS),
                        result.replicationFactor(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS), null));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    exist.add(t);
                    continue;
                }
                status.put(t.resourceName(), failed(t, reasonFor(e.getCause()), e.getCause()));
            } catch (TimeoutException e) {
                status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
        if (exist.size() < missing.size()) {
            writeCalls += calls; // a create that only heard "exists" changed nothing
        }
        return exist;
    }

    /**
     * Partition increases (one batched call) and replication factor changes (one reassignment for
     * all, throttled); fewer partitions is refused as Kafka cannot do it.
     *
     * @return the topics whose replication factor change started now, with the number of partitions moving
     */
    private Map<String, Integer> alterPartitionsAndReplicas(List<DesiredTopic> present, Map<String, TopicDescription> existing,
                                                           Map<String, Moving> moving, Map<String, TopicStatus> status)
            throws InterruptedException {
        Map<String, NewPartitions> increases = new HashMap<>();
        Map<String, Integer> resize = new HashMap<>();
        for (DesiredTopic t : present) {
            TopicDescription d = existing.get(t.topicName());
            int have = d.partitions().size();
            if (t.partitions().isPresent() && t.partitions().getAsInt() < have) {
                status.put(t.resourceName(), new TopicStatus(t.resourceName(), t.topicName(), false, TopicStatus.NOT_SUPPORTED,
                        "Kafka cannot decrease partitions: the topic has " + have + ", the KafkaTopic asks for "
                                + t.partitions().getAsInt(), d.topicId().toString(), have, replicationFactor(d), null));
                continue;
            }
            if (moving.containsKey(t.topicName())) {
                continue; // Kafka takes no other partition change while partitions move; the next pass does it
            }
            if (t.partitions().isPresent() && t.partitions().getAsInt() > have) {
                increases.put(t.topicName(), NewPartitions.increaseTo(t.partitions().getAsInt()));
            }
            if (t.replicas().isPresent() && d.partitions().stream().anyMatch(p -> p.replicas().size() != t.replicas().getAsInt())) {
                resize.put(t.topicName(), t.replicas().getAsInt());
            }
        }
        if (!increases.isEmpty()) {
            Map<String, KafkaFuture<Void>> result = new HashMap<>();
            for (Map<String, NewPartitions> chunk : chunks(increases, NewPartitions::totalCount)) {
                writeCalls++;
                result.putAll(admin.createPartitions(chunk, new CreatePartitionsOptions().timeoutMs(callMs())).values());
            }
            collect(present, t -> increases.containsKey(t.topicName()), t -> result.get(t.topicName()), status);
            present.stream().filter(t -> increases.containsKey(t.topicName()) && !status.containsKey(t.resourceName()))
                    .forEach(t -> grown.put(t.topicName(), t.partitions().getAsInt()));
        }
        resize.keySet().removeIf(topic -> present.stream().anyMatch(t -> t.topicName().equals(topic) && status.containsKey(t.resourceName())));
        if (resize.isEmpty()) {
            return Map.of();
        }
        ReplicaChanges changes = new ReplicaChanges(admin, timeoutMs, callMs(), throttleBytesPerSecond);
        try {
            return changes.start(present, existing, resize, status);
        } finally {
            writeCalls += changes.writeCalls;
        }
    }

    /**
     * Config changes for every topic not failed yet: one describe and one alter call for all. The
     * throttle a reassignment set stays while the topic's partitions move, and goes with the next
     * pass after they are done.
     *
     * @return whether a throttle left by a finished reassignment was removed
     */
    private boolean alterConfigs(List<DesiredTopic> present, Set<String> throttled, Map<String, TopicStatus> status)
            throws InterruptedException {
        List<DesiredTopic> candidates = present.stream().filter(t -> !status.containsKey(t.resourceName())).toList();
        if (candidates.isEmpty()) {
            return false;
        }
        List<ConfigResource> resources = candidates.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.topicName())).toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(callMs())).values();
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        boolean throttleRemoved = false;
        for (DesiredTopic t : candidates) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
            try {
                List<AlterConfigOp> ops = diff(t.config(), configs.get(r).get(timeoutMs, TimeUnit.MILLISECONDS));
                if (throttled.contains(t.topicName())) {
                    ops.removeIf(op -> ReplicationThrottle.TOPIC_KEYS.contains(op.configEntry().name()));
                } else if (ops.stream().anyMatch(op -> op.opType() == AlterConfigOp.OpType.DELETE
                        && ReplicationThrottle.TOPIC_KEYS.contains(op.configEntry().name()))) {
                    throttleRemoved = true;
                }
                if (!ops.isEmpty()) {
                    changes.put(r, ops);
                }
            } catch (ExecutionException e) {
                status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e.getCause()));
            } catch (TimeoutException e) {
                status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
        if (changes.isEmpty()) {
            return false;
        }
        Map<ConfigResource, KafkaFuture<Void>> result = new HashMap<>();
        for (Map<ConfigResource, Collection<AlterConfigOp>> chunk : chunks(changes, Collection::size)) {
            writeCalls++;
            result.putAll(admin.incrementalAlterConfigs(chunk, new AlterConfigsOptions().timeoutMs(callMs())).values());
        }
        collect(candidates, t -> changes.containsKey(resource(t)), t -> result.get(resource(t)), status);
        return throttleRemoved;
    }

    /** Waits for a batched write's per-topic results, recording a failure as that topic's status. */
    private void collect(List<DesiredTopic> topics, Predicate<DesiredTopic> asked,
                         Function<DesiredTopic, KafkaFuture<Void>> future, Map<String, TopicStatus> status) throws InterruptedException {
        for (DesiredTopic t : topics) {
            if (!asked.test(t)) {
                continue;
            }
            try {
                future.apply(t).get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                status.put(t.resourceName(), failed(t, reasonFor(e.getCause()), e.getCause()));
            } catch (TimeoutException e) {
                status.put(t.resourceName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
    }

    /**
     * Kafka's controller refuses a single operation that would write more than 10,000 metadata records
     * ("Unable to perform excessively large batch operation"), so each batched write is sent as calls of
     * at most {@value #RECORDS_PER_CALL} records' worth, all at once, and their results are joined.
     */
    static final int RECORDS_PER_CALL = 5_000;

    static <K, V> List<Map<K, V>> chunks(Map<K, V> all, ToIntFunction<V> records) {
        List<Map<K, V>> out = new ArrayList<>();
        Map<K, V> current = new LinkedHashMap<>();
        int weight = 0;
        for (Map.Entry<K, V> e : all.entrySet()) {
            int w = Math.max(1, records.applyAsInt(e.getValue()));
            if (!current.isEmpty() && weight + w > RECORDS_PER_CALL) {
                out.add(current);
                current = new LinkedHashMap<>();
                weight = 0;
            }
            current.put(e.getKey(), e.getValue());
            weight += w;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /**
     * Every Admin call is given the reconciler's timeout as its own, so the per-topic waits that
     * follow it never end before Kafka's answer could arrive, whatever the client's default.
     */
    private int callMs() {
        return (int) Math.min(Integer.MAX_VALUE, timeoutMs);
    }

    private static ConfigResource resource(DesiredTopic t) {
        return new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
    }

    /** The writes that make {@code actual} equal {@code desired}: set what differs, delete overrides the manifest dropped. */
    static List<AlterConfigOp> diff(Map<String, String> desired, Config actual) {
        List<AlterConfigOp> ops = new ArrayList<>();
        desired.forEach((k, v) -> {
            ConfigEntry e = actual.get(k);
            if (e == null || !v.equals(e.value())) {
                ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET));
            }
        });
        for (ConfigEntry e : actual.entries()) {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && !desired.containsKey(e.name())) {
                ops.add(new AlterConfigOp(new ConfigEntry(e.name(), null), AlterConfigOp.OpType.DELETE));
            }
        }
        return ops;
    }

    /** The replication factor of a described topic: the largest of its partitions' (they differ only mid-change). */
    private static int replicationFactor(TopicDescription d) {
        return d.partitions().stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
    }

    private static TopicStatus.ReplicasChange change(DesiredTopic t, int moving, int partitions) {
        return new TopicStatus.ReplicasChange(t.replicas().orElse(0), "ongoing",
                moving + " of " + partitions + " partition(s) moving");
    }

    private static TopicStatus leftAlone(DesiredTopic t, String reason, String message) {
        return new TopicStatus(t.resourceName(), t.topicName(), TopicStatus.UNMANAGED.equals(reason), reason, message, null, 0, 0, null);
    }

    private static String reasonFor(Throwable cause) {
        if (cause instanceof InvalidTopicException) {
            return TopicStatus.KAFKA_ERROR; // a subclass of InvalidConfigurationException, but about the name, not a config
        }
        return cause instanceof InvalidConfigurationException || cause instanceof PolicyViolationException
                ? TopicStatus.INVALID_CONFIG
                : cause instanceof InvalidReplicationFactorException ? TopicStatus.NOT_SUPPORTED : TopicStatus.KAFKA_ERROR;
    }

    private static String message(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    static TopicStatus failed(DesiredTopic t, String reason, Throwable cause) {
        return new TopicStatus(t.resourceName(), t.topicName(), false, reason, message(cause), null, 0, 0, null);
    }
}
