package io.keks.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.rebalance.KafkaRebalanceStatuses;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.model.DesiredRebalance;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** keks' state of the rebalance without its proposal, which a large rebalance makes too large for one ConfigMap. */
    static final String STATE_KEY = "keks-state.json";
    /** The SHA-256 of the proposal as JSON: the proposal is written again only when it changes. */
    static final String PROPOSAL_DIGEST = "keks-proposal.sha256";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One execution per cluster in this operator (the lease makes it the only one). */
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;

    private final ProposalParts proposals;

    KubernetesRebalances(KubernetesClient client, String namespace, String cluster) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
        this.proposals = new ProposalParts(client, namespace, ProposalParts.PART_BYTES);
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
        RebalanceState state = JSON.readValue(map.getData().get(STATE_KEY), RebalanceState.class);
        if (!map.getData().containsKey(PROPOSAL_DIGEST)) {
            return Optional.of(state); // written by an earlier keks, the proposal inside the state
        }
        try {
            return Optional.of(withProposal(state, proposals.read(name, map)));
        } catch (IOException damaged) {
            // never a part of a proposal carried out: NotReady until a refresh plans a new one
            return Optional.of(new RebalanceState(RebalanceState.NOT_READY, damaged.getMessage(), state.sessionId(),
                    state.optimizationResult(), List.of(), state.brokerLoad(), null, state.lastTransitionTime()));
        }
    }

    @Override
    public void save(String name, RebalanceState state) throws Exception {
        KafkaRebalance r = resource(name);
        byte[] proposal = JSON.writeValueAsBytes(state.proposal());
        String digest = ProposalParts.digest(proposal);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(STATE_KEY, JSON.writeValueAsString(withProposal(state, List.of())));
        data.put(PROPOSAL_DIGEST, digest);
        if (!state.brokerLoad().isEmpty()) {
            data.put("brokerLoad.json", JSON.writeValueAsString(state.brokerLoad()));
        }
        if (state.progress() != null) {
            data.put("completedByteMovementPercentage", String.valueOf(state.progress().bytes() == 0 ? 100
                    : 100L * state.progress().bytesDone() / state.progress().bytes()));
            data.put("executorState.json", JSON.writeValueAsString(state.progress()));
        }
        ConfigMap had = client.configMaps().inNamespace(namespace).withName(name).get();
        boolean proposalWritten = had != null && had.getData() != null && digest.equals(had.getData().get(PROPOSAL_DIGEST));
        Map<String, String> binary = proposalWritten ? had.getBinaryData() : proposals.write(name, proposal, part -> meta(part, r));
        if (had == null) {
            ConfigMapBuilder map = new ConfigMapBuilder().withMetadata(meta(name, r)).withData(data).withBinaryData(binary);
            client.configMaps().inNamespace(namespace).resource(map.build()).create();
        } else {
            client.configMaps().inNamespace(namespace).withName(name).edit(cm -> {
                cm.setData(data);
                cm.setBinaryData(binary);
                return cm;
            });
        }
        if (r != null) {
            r.setStatus(KafkaRebalanceStatuses.of(r, state));
            client.resources(KafkaRebalance.class).inNamespace(namespace).resource(r).updateStatus();
        }
    }

    /** The metadata of a ConfigMap that belongs to rebalance {@code name}: owned by it, so it goes with it. */
    private ObjectMeta meta(String mapName, KafkaRebalance r) {
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(mapName).withNamespace(namespace)
                .withLabels(Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "KafkaRebalance", "app.kubernetes.io/managed-by", "keks"));
        if (r != null) {
            meta.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(r.getApiVersion()).withKind(r.getKind())
                    .withName(r.getMetadata().getName()).withUid(r.getMetadata().getUid()).withController(true)
                    .withBlockOwnerDeletion(false).build());
        }
        return meta.build();
    }

    private static RebalanceState withProposal(RebalanceState s, List<RebalanceState.Move> proposal) {
        return new RebalanceState(s.state(), s.reason(), s.sessionId(), s.optimizationResult(), proposal, s.brokerLoad(), s.progress(),
                s.lastTransitionTime());
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
