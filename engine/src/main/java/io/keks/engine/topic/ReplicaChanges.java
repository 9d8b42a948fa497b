package io.keks.engine.topic;

import io.keks.engine.roll.ReplicationThrottle;
import io.keks.model.DesiredTopic;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * Replication factor changes of a {@link TopicReconciler} pass: one rack-aware reassignment for every topic
 * that changes ({@link ReplicaPlan}), its growing replicas throttled, and the brokers' throttle rates
 * removed once nothing moves. Counts the Admin write calls it makes.
 */
final class ReplicaChanges {
    private final Admin admin;
    private final long timeoutMs;
    private final int callMs;
    private final long throttleBytesPerSecond;
    int writeCalls;

    ReplicaChanges(Admin admin, long timeoutMs, int callMs, long throttleBytesPerSecond) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
        this.callMs = callMs;
        this.throttleBytesPerSecond = throttleBytesPerSecond;
    }

    /**
     * Starts the replication factor changes of {@code resize} (topic to replicas): throttles the replicas
     * that grow, then reassigns every partition in batched calls.
     *
     * @return the topics whose change started, with the number of partitions moving
     */
    Map<String, Integer> start(List<DesiredTopic> present, Map<String, TopicDescription> existing,
                                                     Map<String, Integer> resize, Map<String, TopicStatus> status)
            throws InterruptedException {
        List<DesiredTopic> topics = present.stream().filter(t -> resize.containsKey(t.topicName())).toList();
        try {
            Map<Integer, String> rackOf = new HashMap<>();
            for (Node n : admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs)).nodes().get(timeoutMs, TimeUnit.MILLISECONDS)) {
                rackOf.put(n.id(), n.rack());
            }
            Map<String, TopicDescription> changing = new HashMap<>();
            resize.keySet().forEach(name -> changing.put(name, existing.get(name)));
            Map<TopicPartition, List<Integer>> plan = ReplicaPlan.resize(changing, resize, rackOf);
            Map<TopicPartition, List<Integer>> current = new HashMap<>();
            changing.values().forEach(d -> d.partitions().forEach(p -> current.put(new TopicPartition(d.name(), p.partition()),
                    p.replicas().stream().map(Node::id).toList())));
            Map<TopicPartition, List<Integer>> growing = plan.entrySet().stream()
                    .filter(e -> e.getValue().size() > current.get(e.getKey()).size())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            if (!growing.isEmpty()) {
                for (var chunk : TopicReconciler.chunks(ReplicationThrottle.ops(rackOf.keySet(), throttleBytesPerSecond, current, growing, true),
                        Collection::size)) {
                    writeCalls++;
                    admin.incrementalAlterConfigs(chunk, new AlterConfigsOptions().timeoutMs(callMs)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                }
            }
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
            plan.forEach((tp, r) -> request.put(tp, Optional.of(new NewPartitionReassignment(r))));
            Map<TopicPartition, KafkaFuture<Void>> result = new HashMap<>();
            for (Map<TopicPartition, Optional<NewPartitionReassignment>> chunk : TopicReconciler.chunks(request, r -> 1)) {
                writeCalls++;
                result.putAll(admin.alterPartitionReassignments(chunk, new AlterPartitionReassignmentsOptions().timeoutMs(callMs)).values());
            }
            Map<String, Integer> started = new HashMap<>();
            for (DesiredTopic t : topics) {
                List<TopicPartition> mine = plan.keySet().stream().filter(tp -> tp.topic().equals(t.topicName())).toList();
                try {
                    for (TopicPartition tp : mine) {
                        result.get(tp).get(timeoutMs, TimeUnit.MILLISECONDS);
                    }
                    started.put(t.topicName(), mine.size());
                } catch (ExecutionException e) {
                    status.put(t.resourceName(), TopicReconciler.failed(t, TopicStatus.KAFKA_ERROR, e.getCause()));
                } catch (TimeoutException e) {
                    status.put(t.resourceName(), TopicReconciler.failed(t, TopicStatus.KAFKA_ERROR, e));
                }
            }
            return started;
        } catch (IllegalArgumentException e) {
            topics.forEach(t -> status.put(t.resourceName(), TopicReconciler.failed(t, TopicStatus.NOT_SUPPORTED, e)));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            topics.forEach(t -> status.put(t.resourceName(), TopicReconciler.failed(t, TopicStatus.KAFKA_ERROR, cause)));
        }
        return Map.of();
    }

    /** The brokers' throttle rates go once no partition moves any more. */
    void removeBrokerThrottle() throws InterruptedException {
        try {
            List<Integer> brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs)).nodes().get(timeoutMs, TimeUnit.MILLISECONDS).stream().map(Node::id).toList();
            writeCalls++;
            admin.incrementalAlterConfigs(ReplicationThrottle.brokerOps(brokers, 0, false), new AlterConfigsOptions().timeoutMs(callMs)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the next finished change tries again; a rate without throttled replicas slows nothing
        }
    }
}
