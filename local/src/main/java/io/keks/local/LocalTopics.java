package io.keks.local;

import io.keks.engine.AdminTimeouts;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.topic.TopicStatus;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredTopic;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * A local cluster's KafkaTopics: reconciled by the engine's {@link TopicReconciler}, their statuses kept in
 * topics.json, and a KafkaTopic's deletion carried to Kafka as keks' finalizer does on Kubernetes.
 *
 * @param firstApplied the KafkaTopics given to keks for the first time by the apply at hand: created without
 *                     being described first
 * @param running      whether a node of the cluster runs, so that Kafka can be asked
 */
record LocalTopics(Path dir, DesiredCluster desired, LocalConnections connections, Set<String> firstApplied,
                   BooleanSupplier running) {

    /**
     * Deletes a KafkaTopic as Kubernetes would with keks' finalizer: its Kafka topic is deleted too,
     * unless the KafkaTopic is unmanaged, another KafkaTopic names the same topic, or the cluster is
     * not running (then only the manifest goes, and the topic stays in Kafka's data).
     *
     * @return what happened, as a line for the user
     */
    String delete(String resourceName) throws IOException, InterruptedException {
        DesiredTopic t = desired.topics().stream().filter(d -> d.resourceName().equals(resourceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no KafkaTopic " + resourceName + " in cluster " + desired.name()
                        + "; `keks get kafkatopics` lists them"));
        boolean shared = desired.topics().stream().anyMatch(o -> o != t && o.topicName().equals(t.topicName()));
        String outcome;
        if (!t.managed() || shared) {
            outcome = "topic " + t.topicName() + " kept in Kafka (" + (shared ? "another KafkaTopic names it" : "strimzi.io/managed is \"false\"") + ")";
        } else if (!running.getAsBoolean()) {
            outcome = "topic " + t.topicName() + " kept: the cluster is not running, so Kafka could not be asked to delete it";
        } else {
            try (Admin admin = connections.admin()) {
                Optional<String> error = new TopicReconciler(admin, 30_000, 0).delete(List.of(t)).get(t.resourceName());
                if (error.isPresent()) {
                    throw new IOException("Kafka did not delete topic " + t.topicName() + ": " + error.get() + "; the KafkaTopic is kept");
                }
            }
            outcome = "topic " + t.topicName() + " deleted from Kafka";
        }
        StoredManifests.deleteTopic(dir, StoredManifests.read(dir).topics(), resourceName);
        List<TopicStatus> left = TopicStatuses.read(dir).byResource().values().stream()
                .filter(s -> !s.resourceName().equals(resourceName)).toList();
        TopicStatuses.write(dir, left);
        return outcome;
    }

    /**
     * Makes Kafka's topics match the KafkaTopics, in batched Admin calls, and keeps each one's status
     * in topics.json. A replication factor change is followed until its partitions have moved (each
     * step reported to {@code progress}, at most {@code timeout} without a partition finishing), then a
     * last pass removes its throttle.
     *
     * @param throttleBytesPerSecond the replication rate a replication factor change may use per broker
     */
    TopicReconciler.Result reconcile(long throttleBytesPerSecond, Duration timeout, Consumer<String> progress)
            throws InterruptedException, IOException {
        try (Admin admin = connections.topicAdmin()) {
            TopicReconciler reconciler = new TopicReconciler(admin, AdminTimeouts.BULK_CALL_MS, throttleBytesPerSecond);
            TopicReconciler.Result r = reconciler.reconcile(desired.topics(), t -> true, t -> !firstApplied.contains(t.resourceName()));
            int writes = r.writeCalls();
            String last = "";
            long lastChange = System.nanoTime();
            CountDownLatch never = new CountDownLatch(1);
            while (r.changing()) {
                TopicStatuses.write(dir, r.statuses());
                String now = r.statuses().stream().filter(t -> t.replicasChange() != null)
                        .map(t -> "kafkatopic/" + t.resourceName() + " replicas " + t.replicas() + " -> "
                                + t.replicasChange().targetReplicas() + ": " + t.replicasChange().message())
                        .collect(Collectors.joining("\n"));
                if (!now.equals(last)) {
                    progress.accept(now);
                    last = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > timeout.toNanos()) {
                    progress.accept("no replica finished moving for " + timeout.toSeconds() + " s; the reassignment keeps running"
                            + " in Kafka and the next `keks apply` looks at it again");
                    break;
                }
                never.await(500, TimeUnit.MILLISECONDS);
                r = reconciler.reconcile(desired.topics());
                writes += r.writeCalls();
            }
            TopicStatuses.write(dir, r.statuses());
            return new TopicReconciler.Result(r.statuses(), writes);
        }
    }
}
