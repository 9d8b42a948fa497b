package io.keks.engine.topic;

import io.keks.model.DesiredTopic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes Kafka's topics match KafkaTopic resources through one shared Admin client. Each step is one
 * batched Admin call for all topics (describe, create, create partitions, describe configs, alter
 * configs), and a topic already in sync causes no write at all.
 */
public final class TopicReconciler {
    private final Admin admin;
    private final long timeoutMs;

    public TopicReconciler(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    public List<TopicStatus> reconcile(List<DesiredTopic> desired) throws InterruptedException {
        Map<String, TopicStatus> status = new LinkedHashMap<>();
        Map<String, TopicDescription> existing = describe(desired, status);
        create(desired.stream().filter(t -> !existing.containsKey(t.topicName()) && !status.containsKey(t.topicName())).toList(), status);
        List<DesiredTopic> present = desired.stream().filter(t -> existing.containsKey(t.topicName())).toList();
        alterPartitions(present, existing, status);
        alterConfigs(present, status);
        for (DesiredTopic t : present) {
            status.computeIfAbsent(t.topicName(), n -> ready(t, existing.get(n)));
        }
        List<TopicStatus> out = new ArrayList<>();
        desired.forEach(t -> out.add(status.get(t.topicName())));
        return out;
    }

    private Map<String, TopicDescription> describe(List<DesiredTopic> desired, Map<String, TopicStatus> status)
            throws InterruptedException {
        Map<String, TopicDescription> found = new HashMap<>();
        List<String> names = desired.stream().map(DesiredTopic::topicName).toList();
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names).topicNameValues();
        for (DesiredTopic t : desired) {
            try {
                found.put(t.topicName(), futures.get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e.getCause()));
                }
            } catch (TimeoutException e) {
                status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
        return found;
    }

    private void create(List<DesiredTopic> missing, Map<String, TopicStatus> status) throws InterruptedException {
        if (missing.isEmpty()) {
            return;
        }
        List<NewTopic> requests = missing.stream().map(t -> new NewTopic(t.topicName(),
                t.partitions().isPresent() ? Optional.of(t.partitions().getAsInt()) : Optional.empty(),
                t.replicas().isPresent() ? Optional.of((short) t.replicas().getAsInt()) : Optional.empty())
                .configs(t.config())).toList();
        var result = admin.createTopics(requests);
        for (DesiredTopic t : missing) {
            try {
                result.values().get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS);
                status.put(t.topicName(), new TopicStatus(t.resourceName(), t.topicName(), true, "", "",
                        result.topicId(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS).toString(),
                        result.numPartitions(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS),
                        result.replicationFactor(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS)));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue; // created concurrently; the next pass describes it
                }
                status.put(t.topicName(), failed(t, reasonFor(e.getCause()), e.getCause()));
            } catch (TimeoutException e) {
                status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
    }

    private void alterPartitions(List<DesiredTopic> present, Map<String, TopicDescription> existing,
                                 Map<String, TopicStatus> status) throws InterruptedException {
        Map<String, NewPartitions> increases = new HashMap<>();
        for (DesiredTopic t : present) {
            TopicDescription d = existing.get(t.topicName());
            int have = d.partitions().size();
            int rf = d.partitions().get(0).replicas().size();
            if (t.partitions().isPresent() && t.partitions().getAsInt() < have) {
                status.put(t.topicName(), new TopicStatus(t.resourceName(), t.topicName(), false, TopicStatus.NOT_SUPPORTED,
                        "Kafka cannot decrease partitions: the topic has " + have + ", the KafkaTopic asks for "
                                + t.partitions().getAsInt(), d.topicId().toString(), have, rf));
            } else if (t.replicas().isPresent() && t.replicas().getAsInt() != rf) {
                status.put(t.topicName(), new TopicStatus(t.resourceName(), t.topicName(), false, TopicStatus.NOT_SUPPORTED,
                        "changing the replication factor from " + rf + " to " + t.replicas().getAsInt()
                                + " is not supported yet", d.topicId().toString(), have, rf));
            } else if (t.partitions().isPresent() && t.partitions().getAsInt() > have) {
                increases.put(t.topicName(), NewPartitions.increaseTo(t.partitions().getAsInt()));
            }
        }
        if (increases.isEmpty()) {
            return;
        }
        var result = admin.createPartitions(increases).values();
        for (DesiredTopic t : present) {
            if (increases.containsKey(t.topicName())) {
                try {
                    result.get(t.topicName()).get(timeoutMs, TimeUnit.MILLISECONDS);
                    TopicDescription d = existing.get(t.topicName());
                    status.put(t.topicName(), new TopicStatus(t.resourceName(), t.topicName(), true, "", "",
                            d.topicId().toString(), t.partitions().getAsInt(), d.partitions().get(0).replicas().size()));
                } catch (ExecutionException e) {
                    status.put(t.topicName(), failed(t, reasonFor(e.getCause()), e.getCause()));
                } catch (TimeoutException e) {
                    status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e));
                }
            }
        }
    }

    private void alterConfigs(List<DesiredTopic> present, Map<String, TopicStatus> status) throws InterruptedException {
        List<DesiredTopic> candidates = present.stream().filter(t -> !status.containsKey(t.topicName())
                || status.get(t.topicName()).ready()).toList();
        if (candidates.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = candidates.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.topicName())).toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (DesiredTopic t : candidates) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
            try {
                List<AlterConfigOp> ops = diff(t.config(), configs.get(r).get(timeoutMs, TimeUnit.MILLISECONDS));
                if (!ops.isEmpty()) {
                    changes.put(r, ops);
                }
            } catch (ExecutionException e) {
                status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e.getCause()));
            } catch (TimeoutException e) {
                status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        var result = admin.incrementalAlterConfigs(changes).values();
        for (DesiredTopic t : candidates) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
            if (changes.containsKey(r)) {
                try {
                    result.get(r).get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    status.put(t.topicName(), failed(t, reasonFor(e.getCause()), e.getCause()));
                } catch (TimeoutException e) {
                    status.put(t.topicName(), failed(t, TopicStatus.KAFKA_ERROR, e));
                }
            }
        }
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

    private static TopicStatus ready(DesiredTopic t, TopicDescription d) {
        return new TopicStatus(t.resourceName(), t.topicName(), true, "", "", d.topicId().toString(),
                d.partitions().size(), d.partitions().get(0).replicas().size());
    }

    private static String reasonFor(Throwable cause) {
        return cause instanceof InvalidConfigurationException || cause instanceof PolicyViolationException
                ? TopicStatus.INVALID_CONFIG : TopicStatus.KAFKA_ERROR;
    }

    private static TopicStatus failed(DesiredTopic t, String reason, Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new TopicStatus(t.resourceName(), t.topicName(), false, reason, message, null, 0, 0);
    }
}
