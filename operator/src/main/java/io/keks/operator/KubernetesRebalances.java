package io.keks.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.rebalance.KafkaRebalanceStatuses;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.model.DesiredRebalance;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the operator keeps a cluster's KafkaRebalances: each one's status on the resource, as Strimzi writes
 * it, and beside it the ConfigMap named after the rebalance (owned by it) with the broker loads before and
 * after ({@code brokerLoad.json}, Strimzi's key), the progress, and keks' whole state with the proposal
 * ({@code keks-state.json}, what an approval carries out and a restarted operator resumes).
 */
final class KubernetesRebalances implements RebalanceReconciler.Store {
    static final String STATE_KEY = "keks-state.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One execution per cluster in this operator (the lease makes it the only one). */
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;

    KubernetesRebalances(KubernetesClient client, String namespace, String cluster) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
    }

    private KafkaRebalance resource(String name) {
        return client.resources(KafkaRebalance.class).inNamespace(namespace).withName(name).get();
    }

    @Override
    public Optional<RebalanceState> load(String name) throws Exception {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null || map.getData() == null || !map.getData().containsKey(STATE_KEY)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(map.getData().get(STATE_KEY), RebalanceState.class));
    }

    @Override
    public void save(String name, RebalanceState state) throws Exception {
        KafkaRebalance r = resource(name);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(STATE_KEY, JSON.writeValueAsString(state));
        if (!state.brokerLoad().isEmpty()) {
            data.put("brokerLoad.json", JSON.writeValueAsString(state.brokerLoad()));
        }
        if (state.progress() != null) {
            data.put("completedByteMovementPercentage", String.valueOf(state.progress().bytes() == 0 ? 100
                    : 100L * state.progress().bytesDone() / state.progress().bytes()));
            data.put("executorState.json", JSON.writeValueAsString(state.progress()));
        }
        ConfigMap had = client.configMaps().inNamespace(namespace).withName(name).get();
        if (had == null) {
            ConfigMapBuilder map = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "KafkaRebalance", "app.kubernetes.io/managed-by", "keks"))
                    .endMetadata().withData(data);
            if (r != null) {
                map.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(r.getApiVersion()).withKind(r.getKind())
                        .withName(name).withUid(r.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build())
                        .endMetadata();
            }
            client.configMaps().inNamespace(namespace).resource(map.build()).create();
        } else {
            client.configMaps().inNamespace(namespace).withName(name).edit(cm -> {
                cm.setData(data);
                return cm;
            });
        }
        if (r != null) {
            r.setStatus(KafkaRebalanceStatuses.of(r, state));
            client.resources(KafkaRebalance.class).inNamespace(namespace).resource(r).updateStatus();
        }
    }

    @Override
    public String annotation(String name) {
        KafkaRebalance r = resource(name);
        if (r == null || r.getMetadata().getAnnotations() == null) {
            return "";
        }
        return r.getMetadata().getAnnotations().getOrDefault(DesiredRebalance.ANNOTATION, "");
    }

    @Override
    public void removeAnnotation(String name) {
        KafkaRebalance r = resource(name);
        if (r != null && r.getMetadata().getAnnotations() != null && r.getMetadata().getAnnotations().containsKey(DesiredRebalance.ANNOTATION)) {
            client.resources(KafkaRebalance.class).inNamespace(namespace).withName(name).edit(k -> {
                k.getMetadata().getAnnotations().remove(DesiredRebalance.ANNOTATION);
                return k;
            });
        }
    }

    @Override
    public Optional<AutoCloseable> exclusive() {
        ReentrantLock lock = LOCKS.computeIfAbsent(namespace + "/" + cluster, k -> new ReentrantLock());
        return lock.tryLock() ? Optional.of(lock::unlock) : Optional.empty();
    }
}
