package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.keks.engine.AdminTimeouts;
import io.keks.engine.topic.ConfigTurns;
import io.keks.engine.topic.KafkaTopicStatuses;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.topic.TopicStatus;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredTopic;
import io.keks.model.TopicModel;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.keks.model.manifest.YamlDocument;
import io.keks.operator.resources.Rendering;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import io.strimzi.api.kafka.model.topic.ReplicasChangeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles KafkaTopics in batches: the SDK's reconciler only hands a topic in, and one worker
 * takes every topic waiting, groups them by Kafka cluster and reconciles each group with one
 * {@link TopicReconciler} pass (a handful of batched Admin calls however many topics) over one Admin
 * client per cluster kept for the operator's life. A status is written only when it changed. Every
 * topic is looked at again on a slow periodic full resync (its configs in turns, {@link ConfigTurns}),
 * one not ready or changing replicas sooner.
 */
public final class KafkaTopicBatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicBatches.class);
    private static final Duration GATHER = Duration.ofMillis(200);

    /** What a topic's next pass depends on besides its spec: seeing it unchanged, the SDK's event needs no pass. */
    private record Fingerprint(Long generation, boolean managed, boolean paused, String cluster, boolean deleting) {
        static Fingerprint of(KafkaTopic t) {
            Map<String, String> a = Optional.ofNullable(t.getMetadata().getAnnotations()).orElse(Map.of());
            return new Fingerprint(t.getMetadata().getGeneration(), !"false".equals(a.get(DesiredTopic.MANAGED_ANNOTATION)),
                    "true".equals(a.get(DesiredTopic.PAUSE_ANNOTATION)), clusterOf(t), t.getMetadata().getDeletionTimestamp() != null);
        }
    }

    private final KubernetesClient client;
    private final KafkaAccess access;
    private final Duration resync;
    private final long throttleBytesPerSecond;
    private final Set<ResourceID> pending = new LinkedHashSet<>();
    private final Map<ResourceID, Fingerprint> done = new ConcurrentHashMap<>();
    private final Set<ResourceID> deleted = ConcurrentHashMap.newKeySet();
    /** Topics waiting only because of the periodic resync: their configs are read in turns. */
    private final Set<ResourceID> resyncOnly = ConcurrentHashMap.newKeySet();
    private final Map<String, ConfigTurns> turns = new ConcurrentHashMap<>();
    private final Map<String, Admin> admins = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("keks-topic-timer").daemon().unstarted(r));
    private final Thread worker;
    private volatile IndexedResourceCache<KafkaTopic> cache;
    private volatile boolean closed;

    /**
     * @param resync                 how often every KafkaTopic is reconciled again though nothing changed
     * @param throttleBytesPerSecond the replication rate a replication factor change may use per broker
     */
    public KafkaTopicBatches(KubernetesClient client, KafkaAccess access, Duration resync, long throttleBytesPerSecond) {
        this.client = client;
        this.access = access;
        this.resync = resync;
        this.throttleBytesPerSecond = throttleBytesPerSecond;
        worker = Thread.ofPlatform().name("keks-topics").daemon().start(this::work);
    }

    /** Hands a KafkaTopic in; it is reconciled with the others waiting, unless nothing about it changed since its last pass. */
    void submit(KafkaTopic topic, IndexedResourceCache<KafkaTopic> topics) {
        synchronized (this) { // the SDK calls in from several threads; the resync is scheduled once
            if (cache == null) {
                cache = topics;
                timer.scheduleWithFixedDelay(this::resyncAll, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        ResourceID id = ResourceID.fromResource(topic);
        if (Fingerprint.of(topic).equals(done.get(id)) && topic.getStatus() != null
                && Objects.equals(topic.getStatus().getObservedGeneration(), topic.getMetadata().getGeneration())) {
            return;
        }
        resyncOnly.remove(id);
        enqueue(List.of(id));
    }

    /**
     * For a KafkaTopic being deleted: whether its finalizer may go. The Kafka topic is deleted first,
     * unless the KafkaTopic is unmanaged, another KafkaTopic names the same topic, or its Kafka is gone
     * (then the topic is left as it is).
     */
    boolean deletedInKafka(KafkaTopic topic, IndexedResourceCache<KafkaTopic> topics) {
        ResourceID id = ResourceID.fromResource(topic);
        if (deleted.remove(id)) {
            done.remove(id);
            return true;
        }
        submit(topic, topics);
        return false;
    }

    private void enqueue(List<ResourceID> ids) {
        synchronized (pending) {
            pending.addAll(ids);
            pending.notifyAll();
        }
    }

    private void resyncAll() {
        IndexedResourceCache<KafkaTopic> c = cache;
        if (c != null) {
            done.clear();
            List<ResourceID> all = c.list().map(ResourceID::fromResource).toList();
            resyncOnly.addAll(all);
            enqueue(all);
        }
    }

    private void work() {
        while (!closed) {
            List<ResourceID> batch;
            try {
                synchronized (pending) {
                    while (pending.isEmpty() && !closed) {
                        pending.wait();
                    }
                }
                Thread.sleep(GATHER); // let the events of one `kubectl apply` gather into one pass
                synchronized (pending) {
                    batch = new ArrayList<>(pending);
                    pending.clear();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                reconcile(batch);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("KafkaTopic pass over {} topic(s) failed; they are tried again in 30 s", batch.size(), e);
                    timer.schedule(() -> enqueue(batch), 30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void reconcile(List<ResourceID> ids) {
        Map<String, List<KafkaTopic>> byCluster = new LinkedHashMap<>();
        for (ResourceID id : ids) {
            cache.get(id).ifPresent(t -> byCluster.computeIfAbsent(t.getMetadata().getNamespace() + "/" + clusterOf(t),
                    k -> new ArrayList<>()).add(t));
        }
        byCluster.forEach((key, topics) -> reconcileCluster(key.substring(0, key.indexOf('/')), clusterOf(topics.get(0)), topics));
    }

    private void reconcileCluster(String ns, String cluster, List<KafkaTopic> topics) {
        long start = System.nanoTime();
        Map<KafkaTopic, Condition> conditions = new HashMap<>();
        Map<KafkaTopic, TopicStatus> outcomes = new HashMap<>();
        Kafka kafka = cluster == null ? null : client.resources(Kafka.class).inNamespace(ns).withName(cluster).get();
        List<KafkaTopic> deleting = topics.stream().filter(t -> t.getMetadata().getDeletionTimestamp() != null).toList();
        if (kafka == null) {
            // no Kafka to hold these topics: a deleted KafkaTopic just goes
            deleting.forEach(t -> deleted.add(ResourceID.fromResource(t)));
            topics.stream().filter(t -> !deleting.contains(t)).forEach(t -> conditions.put(t, condition(t, "Ready", "False",
                    "KafkaNotFound", cluster == null ? "the KafkaTopic has no strimzi.io/cluster label; add the name of its Kafka"
                            : "no Kafka " + cluster + " in namespace " + ns)));
        } else {
            reconcileWithKafka(ns, kafka, topics, deleting, conditions, outcomes);
        }
        int patched = 0;
        List<ResourceID> again = new ArrayList<>();
        for (KafkaTopic t : topics) {
            ResourceID id = ResourceID.fromResource(t);
            if (deleting.contains(t)) {
                continue;
            }
            Condition c = conditions.get(t);
            TopicStatus outcome = outcomes.get(t);
            KafkaTopicStatus status = KafkaTopicStatuses.status(t, outcome, c);
            if (!sameStatus(status, t.getStatus())) {
                try {
                    writeStatus(ns, t.getMetadata().getName(), status);
                    patched++;
                } catch (RuntimeException e) {
                    LOG.warn("KafkaTopic {}/{}: status could not be written: {}", ns, t.getMetadata().getName(), e.getMessage());
                    again.add(id);
                    continue;
                }
            }
            boolean settled = "True".equals(c.getStatus()) && (outcome == null || outcome.replicasChange() == null)
                    || "ReconciliationPaused".equals(c.getType());
            if (settled) {
                done.put(id, Fingerprint.of(t));
            } else {
                done.remove(id);
                again.add(id);
            }
        }
        if (!again.isEmpty() && !closed) {
            boolean changing = outcomes.values().stream().anyMatch(o -> o != null && o.replicasChange() != null);
            timer.schedule(() -> enqueue(again), changing ? 5 : 30, TimeUnit.SECONDS);
        }
        LOG.info("Kafka {}/{}: {} KafkaTopic(s) reconciled in {} ms, {} status(es) written", ns, cluster, topics.size(),
                (System.nanoTime() - start) / 1_000_000, patched);
    }

    private void reconcileWithKafka(String ns, Kafka kafka, List<KafkaTopic> topics, List<KafkaTopic> deleting,
                                    Map<KafkaTopic, Condition> conditions, Map<KafkaTopic, TopicStatus> outcomes) {
        String cluster = kafka.getMetadata().getName();
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel("strimzi.io/cluster", cluster)
                .list().getItems();
        DesiredCluster desired;
        try {
            desired = Rendering.model(CustomResources.of(kafka, pools), Map.of()).cluster();
        } catch (ManifestException e) {
            deleting.forEach(t -> deleted.add(ResourceID.fromResource(t)));
            topics.forEach(t -> conditions.put(t, condition(t, "Ready", "False", "KafkaNotReady", "Kafka " + cluster
                    + " is not valid: " + CustomResources.message(e.problems()))));
            return;
        }
        List<Sourced<KafkaTopic>> sourced = topics.stream().map(t -> new Sourced<>(t, new YamlDocument(CustomResources.source(t), 0, 0,
                Serialization.jsonMapper().createObjectNode(), Map.of()))).toList();
        TopicModel.Checked checked = TopicModel.check(sourced, desired, OperatorConfigRules.of(desired.version()));
        Map<String, List<Problem>> problems = checked.problems().stream().filter(Problem::isError)
                .collect(Collectors.groupingBy(Problem::source));
        Map<String, DesiredTopic> byName = new HashMap<>();
        checked.topics().forEach(d -> byName.put(d.resourceName(), d));
        // one Admin per cluster and broker set, kept: a pass over 10,000 topics opens no connection
        String adminKey = ns + "/" + cluster + "/" + desired.brokers().stream().map(b -> String.valueOf(b.id()))
                .collect(Collectors.joining(","));
        Admin admin = admins.computeIfAbsent(adminKey, k -> access.topicAdmin(desired));
        TopicReconciler reconciler = new TopicReconciler(admin, AdminTimeouts.BULK_CALL_MS, throttleBytesPerSecond);
        try {
            deleteTopics(ns, cluster, deleting, byName, reconciler);
            reconcileLive(ns, cluster, desired, topics.stream().filter(t -> !deleting.contains(t)).toList(), byName, problems,
                    reconciler, conditions, outcomes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            topics.forEach(t -> conditions.putIfAbsent(t, condition(t, "Ready", "False", "KafkaError", "the operator is stopping")));
        } catch (RuntimeException e) {
            Admin stale = admins.remove(adminKey);
            if (stale != null) {
                stale.close(Duration.ZERO);
            }
            topics.forEach(t -> conditions.putIfAbsent(t, condition(t, "Ready", "False", "KafkaError",
                    KafkaReconciliation.rootMessage(e))));
        }
    }

    /** Deletes the topics of deleted KafkaTopics, unless another KafkaTopic names the same topic; each one done is let go. */
    private void deleteTopics(String ns, String cluster, List<KafkaTopic> deleting, Map<String, DesiredTopic> byName,
                              TopicReconciler reconciler) throws InterruptedException {
        // a deleted KafkaTopic takes its topic along, unless another KafkaTopic names the same topic
        Set<String> stillNamed = deleting.isEmpty() ? Set.of() : cache.list(ns)
                .filter(t -> cluster.equals(clusterOf(t)) && t.getMetadata().getDeletionTimestamp() == null)
                .map(KafkaTopicBatches::topicName).collect(Collectors.toSet());
        List<DesiredTopic> toDelete = deleting.stream().map(t -> byName.get(t.getMetadata().getName()))
                .filter(d -> d != null && !stillNamed.contains(d.topicName())).toList();
        deleting.stream().filter(t -> toDelete.stream().noneMatch(d -> d.resourceName().equals(t.getMetadata().getName())))
                .forEach(t -> deleted.add(ResourceID.fromResource(t)));
        if (!toDelete.isEmpty()) {
            reconciler.delete(toDelete).forEach((name, error) -> {
                if (error.isEmpty()) {
                    deleting.stream().filter(t -> t.getMetadata().getName().equals(name)).findFirst()
                            .ifPresent(t -> deleted.add(ResourceID.fromResource(t)));
                } else {
                    LOG.warn("KafkaTopic {}/{}: its topic could not be deleted: {}", ns, name, error.get());
                }
            });
        }
}

    /** Reconciles the KafkaTopics not being deleted and records each one's status and Ready condition. */
    private void reconcileLive(String ns, String cluster, DesiredCluster desired, List<KafkaTopic> live,
                               Map<String, DesiredTopic> byName, Map<String, List<Problem>> problems, TopicReconciler reconciler,
                               Map<KafkaTopic, Condition> conditions, Map<KafkaTopic, TopicStatus> outcomes)
            throws InterruptedException {
        List<DesiredTopic> wanted = new ArrayList<>();
        for (KafkaTopic t : live) {
            List<Problem> own = problems.get(CustomResources.source(t));
            if (own != null) {
                conditions.put(t, condition(t, "Ready", "False", "InvalidResource", CustomResources.message(own)));
            } else {
                wanted.add(byName.get(t.getMetadata().getName()));
            }
        }
        // the other KafkaTopics of the cluster take part too, so that of two for one topic the older always wins
        List<DesiredTopic> context = others(ns, cluster, live, desired);
        List<DesiredTopic> all = new ArrayList<>(wanted);
        context.stream().filter(o -> wanted.stream().anyMatch(w -> w.topicName().equals(o.topicName()))).forEach(all::add);
        Set<String> resyncing = live.stream().filter(t -> resyncOnly.remove(ResourceID.fromResource(t)))
                .map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> turn = resyncing.isEmpty() ? Set.of() : turns.computeIfAbsent(ns + "/" + cluster, k -> new ConfigTurns())
                .next(wanted.stream().filter(w -> resyncing.contains(w.resourceName())).map(DesiredTopic::topicName).toList());
        // a KafkaTopic whose status has no topic id was never reconciled: its topic is created without a describe first
        Set<String> unseen = live.stream().filter(t -> t.getStatus() == null || t.getStatus().getTopicId() == null)
                .map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
        List<TopicStatus> result = reconciler.reconcile(all,
                d -> !resyncing.contains(d.resourceName()) || turn.contains(d.topicName()),
                d -> !unseen.contains(d.resourceName())).statuses();
        for (KafkaTopic t : live) {
            for (int i = 0; i < wanted.size(); i++) {
                if (wanted.get(i).resourceName().equals(t.getMetadata().getName())) {
                    TopicStatus s = result.get(i);
                    outcomes.put(t, s);
                    conditions.put(t, KafkaTopicStatuses.conditionFor(t, s, Instant.now()));
                }
            }
        }
}

    /**
     * The cluster's other KafkaTopics from the cache, read only to settle which of two for one Kafka
     * topic is older; the reconciler never writes for them in this pass.
     */
    private List<DesiredTopic> others(String ns, String cluster, List<KafkaTopic> live, DesiredCluster desired) {
        Set<String> mine = live.stream().map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
        List<Sourced<KafkaTopic>> rest = cache.list(ns).filter(t -> cluster.equals(clusterOf(t)) && !mine.contains(t.getMetadata().getName())
                        && t.getMetadata().getDeletionTimestamp() == null)
                .map(t -> new Sourced<>(t, new YamlDocument(CustomResources.source(t), 0, 0,
                        Serialization.jsonMapper().createObjectNode(), Map.of()))).toList();
        Set<String> wantedNames = live.stream().map(KafkaTopicBatches::topicName).collect(Collectors.toSet());
        List<Sourced<KafkaTopic>> sameTopic = rest.stream().filter(s -> wantedNames.contains(topicName(s.resource()))).toList();
        return sameTopic.isEmpty() ? List.of() : TopicModel.check(sameTopic, desired).topics().stream()
                // an older one is left alone in this pass: only its age matters here
                .map(d -> new DesiredTopic(d.resourceName(), d.topicName(), d.partitions(), d.replicas(), d.config(), d.source(),
                        d.created(), false, d.paused()))
                .toList();
    }

    private static Condition condition(KafkaTopic t, String type, String status, String reason, String message) {
        return KafkaTopicStatuses.condition(t, type, status, reason, message, Instant.now());
    }

    private static String topicName(KafkaTopic t) {
        return t.getSpec() != null && t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
    }

    static String clusterOf(KafkaTopic t) {
        return Optional.ofNullable(t.getMetadata().getLabels()).map(l -> l.get("strimzi.io/cluster")).orElse(null);
    }

    /**
     * A JSON patch (RFC 6902) that puts the whole status in place: conditions replaced as a whole, a
     * finished replicasChange gone, and no resourceVersion needed as an update would.
     */
    private void writeStatus(String ns, String name, KafkaTopicStatus status) {
        var mapper = Serialization.jsonMapper();
        var op = mapper.createObjectNode().put("op", "add").put("path", "/status");
        op.set("value", mapper.valueToTree(status));
        client.resources(KafkaTopic.class).inNamespace(ns).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON),
                        mapper.createArrayNode().add(op).toString());
    }

    private static boolean sameStatus(KafkaTopicStatus a, KafkaTopicStatus b) {
        if (b == null || b.getConditions() == null || b.getConditions().size() != a.getConditions().size()) {
            return false;
        }
        Condition x = a.getConditions().get(0);
        Condition y = b.getConditions().get(0);
        return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration()) && Objects.equals(a.getTopicName(), b.getTopicName())
                && Objects.equals(a.getTopicId(), b.getTopicId()) && Objects.equals(x.getType(), y.getType())
                && Objects.equals(x.getStatus(), y.getStatus()) && Objects.equals(x.getReason(), y.getReason())
                && Objects.equals(x.getMessage(), y.getMessage())
                && Objects.equals(Optional.ofNullable(a.getReplicasChange()).map(ReplicasChangeStatus::getMessage),
                Optional.ofNullable(b.getReplicasChange()).map(ReplicasChangeStatus::getMessage));
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        timer.shutdownNow();
        admins.values().forEach(a -> a.close(Duration.ofSeconds(2)));
        admins.clear();
    }
}
