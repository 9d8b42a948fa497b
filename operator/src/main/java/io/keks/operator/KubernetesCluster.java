package io.keks.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.ClusterMemory;
import io.keks.engine.ClusterObserver;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterChanger;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.MetadataVersions;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.reconcile.ClusterRuntime;
import io.keks.engine.roll.Roller;
import io.keks.engine.security.CertificateStore;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.ExporterObjects;
import io.keks.operator.resources.IdentityData;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.NodeObjects;
import io.keks.operator.resources.RenderOptions;
import io.keks.operator.resources.Rendering;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster as Kubernetes objects, for one reconciliation: the facts (the Kafka and its pools,
 * its identity ConfigMap, its pods) and the effects (objects rendered and applied, pods created,
 * changes of nodes carried out here through {@link KubernetesRuntime}). The order and the rules are
 * the engine's {@code Reconciliation}.
 */
final class KubernetesCluster implements ClusterRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesCluster.class);
    private final KubernetesClient client;
    private final KafkaAccess access;
    private final KafkaReconciliation.Settings settings;
    private final Kafka kafka;
    private final List<KafkaNodePool> pools;
    private final Manifests manifests;
    private final DesiredCluster wanted;
    private final KafkaStatuses statuses;
    private final KafkaNames names;
    private Map<String, String> kept = Map.of();
    private Manifests lastManifests;
    private DesiredCluster current;
    private ClusterMemory memory;
    private boolean refusedChange;
    private List<HasMetadata> objects;
    private SecretCertificateStore certificates;
    private Map<Integer, String> servedBefore = Map.of();
    private ConfigMap identity;
    private ObjectApplier applier;
    private OptionalInt finalized = OptionalInt.empty();
    private String notAnswering = "";
    private Optional<ObservedCluster> observedAfterChange = Optional.empty();

    KubernetesCluster(KubernetesClient client, KafkaAccess access, KafkaReconciliation.Settings settings, Kafka kafka,
                      List<KafkaNodePool> pools, Manifests manifests, DesiredCluster wanted, KafkaStatuses statuses) {
        this.client = client;
        this.access = access;
        this.settings = settings;
        this.kafka = kafka;
        this.pools = pools;
        this.manifests = manifests;
        this.wanted = wanted;
        this.current = wanted;
        this.statuses = statuses;
        this.names = KafkaNames.of(wanted);
    }

    @Override
    public Facts facts() {
        ConfigMap map = client.configMaps().inNamespace(names.namespace()).withName(names.identity()).get();
        kept = map == null || map.getData() == null ? Map.of() : map.getData();
        ClusterMemory remembered = map == null ? ClusterMemory.newCluster(wanted) : IdentityData.read(kept);
        Optional<DesiredCluster> last = Optional.empty();
        if (kept.containsKey(IdentityData.APPLIED)) {
            lastManifests = ManifestParser.parse("last applied " + names.cluster(), kept.get(IdentityData.APPLIED));
            last = Optional.of(Rendering.model(lastManifests, Map.of()).cluster());
        }
        return new Facts(wanted, last, remembered, !pods().isEmpty());
    }

    @Override
    public Admin admin() {
        return access.admin(current);
    }

    @Override
    public MetadataVersions metadataVersions(KafkaVersion version) {
        return BundledMetadataVersions.of(version);
    }

    @Override
    public void refused(List<String> reasons) {
        statuses.warn("UnsafeChangeRefused", "the change was not made, the cluster runs as last applied: " + String.join("; ", reasons));
    }

    @Override
    public void remember(DesiredCluster applied, ClusterMemory m, boolean refused) {
        this.current = applied;
        this.memory = m;
        this.refusedChange = refused;
        if (identity != null) {
            Map<String, String> data = new LinkedHashMap<>(IdentityData.of(m));
            data.put(IdentityData.APPLIED, identity.getData().get(IdentityData.APPLIED));
            identity.setData(data);
            applier.apply(identity);
        }
    }

    /**
     * KafkaRebalances have a controller of their own; the pass only rebalances by itself after brokers joined
     * (spec.cruiseControl.autoRebalance), keeping that rebalance's state in its ConfigMap.
     */
    @Override
    public Optional<RebalanceReconciler.Store> rebalances() {
        return Optional.of(new KubernetesRebalances(client, names.namespace(), names.cluster()));
    }

    @Override
    public Optional<VolumeGrowth.Claims> claims() {
        return Optional.of(new KubernetesClaims(client, names));
    }

    /** The objects of the applied cluster, rendered once, with the Secrets' values its certificate store fills. */
    @Override
    public Optional<CertificateStore> certificates(DesiredCluster applied, ClusterMemory m) {
        RenderOptions render = new RenderOptions(settings.render().operatorImage(), settings.render().kafkaImageRepository(),
                Optional.of(owner(kafka)));
        objects = ClusterObjects.render(refusedChange ? lastManifests : manifests, applied, m, render);
        certificates = new SecretCertificateStore(client, applied, objects);
        servedBefore = certificates.nodeSerials();
        return Optional.of(certificates);
    }

    @Override
    public void writeNodeDefinitions(DesiredCluster applied, ClusterMemory m) {
        certificates.annotate(objects);
        identity = (ConfigMap) objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(names.identity()))
                .findFirst().orElseThrow();
        identity.getData().put(IdentityData.APPLIED, refusedChange ? kept.get(IdentityData.APPLIED) : applied(kafka, pools));
        applier = new ObjectApplier(client);
        for (HasMetadata o : objects) {
            if (!(o instanceof Pod)) {
                applier.apply(o);
            }
        }
        removeUnwantedExporter(applied);
    }

    /**
     * A node whose pod is missing (deleted, evicted) gets it back at once, as a StatefulSet's would; a new
     * cluster gets all its pods together (its controllers need each other to form the quorum). A node is
     * remembered with the Kafka that formats its storage (the pod's init container does).
     */
    @Override
    public Created createMissingNodes(DesiredCluster applied, ClusterMemory m, boolean startStopped) {
        List<Pod> pods = pods();
        Set<Integer> existing = new TreeSet<>(m.formatted().keySet());
        pods.forEach(p -> existing.add(KafkaReconciliation.nodeId(p)));
        if (pods.isEmpty()) {
            applied.nodes().forEach(n -> existing.add(n.id()));
        }
        Map<Integer, Pod> desiredPods = desiredPods();
        for (DesiredNode n : applied.nodes()) {
            if (existing.contains(n.id()) && pods.stream().noneMatch(p -> KafkaReconciliation.nodeId(p) == n.id())) {
                LOG.info("Kafka {}/{}: creating pod {}", names.namespace(), names.cluster(), names.pod(n));
                client.pods().inNamespace(names.namespace()).resource(desiredPods.get(n.id())).create();
            }
        }
        return new Created(m.withFormatted(formattedNow(m, existing, applied)), pods.isEmpty());
    }

    @Override
    public Optional<ObservedCluster> observe(DesiredCluster applied, Admin admin, boolean untilReady) {
        try {
            return Optional.of(new ClusterObserver(admin, 5000).observe());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            notAnswering = KafkaReconciliation.rootMessage(e);
            return Optional.empty();
        }
    }

    /** What the pass remembered of the cluster so far; a new cluster's memory before it got that far. */
    ClusterMemory memory() {
        return memory != null ? memory : ClusterMemory.newCluster(current);
    }

    /** The cluster the pass brings the nodes to, as far as it got (the wanted one before the gate). */
    DesiredCluster applied() {
        return current;
    }

    /** Why Kafka did not answer the last look. */
    String notAnswering() {
        return notAnswering;
    }

    /** Which configs change live, as a serving broker says: the operator has no Kafka jars to ask. */
    @Override
    public ConfigModes configModes(Admin admin, ObservedCluster observed) throws Exception {
        return ImageOfPods.configModes(admin, observed.brokers().stream().filter(observed::brokerServing).findFirst()
                .orElse(current.brokers().get(0).id()), current.version().toString());
    }

    @Override
    public Map<String, String> runningConfig(DesiredCluster applied, ObservedCluster observed) {
        List<Integer> serving = applied.brokers().stream().map(DesiredNode::id).filter(observed::brokerServing).toList();
        return pods().stream().filter(p -> serving.contains(KafkaReconciliation.nodeId(p))).findFirst()
                .map(p -> ImageOfPods.properties(p.getMetadata().getAnnotations().getOrDefault(NodeObjects.STARTED_CONFIG, "")))
                .orElse(Map.of());
    }

    @Override
    public Map<Integer, Map<String, String>> desiredConfigs(DesiredCluster applied) {
        Map<Integer, Map<String, String>> wantedConfig = new TreeMap<>();
        for (DesiredNode n : applied.nodes()) {
            objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(names.pod(n))).findFirst()
                    .ifPresent(c -> wantedConfig.put(n.id(), ImageOfPods.properties(((ConfigMap) c).getData().get("server.properties"))));
        }
        return wantedConfig;
    }

    @Override
    public ClusterImage image(Admin admin) throws Exception {
        finalized = ClusterObserver.finalizedMetadataLevel(admin, 10_000);
        return ImageOfPods.of(pods(), finalized, servedBefore, ClusterObserver.voters(admin, 10_000));
    }

    /** The finalized metadata.version level, as last read. */
    OptionalInt finalized() {
        return finalized;
    }

    /** Kafka as it answered after a change of nodes, when there was one. */
    Optional<ObservedCluster> observedAfterChange() {
        return observedAfterChange;
    }

    @Override
    public ClusterMemory changeNodes(DesiredCluster applied, ClusterMemory m, ClusterDelta delta, Admin admin) throws Exception {
        LOG.info("Kafka {}/{}: {}", names.namespace(), names.cluster(), delta.summary(false));
        Roller.Listener log = message -> LOG.info("Kafka {}/{}: {}", names.namespace(), names.cluster(), message);
        new ClusterChanger(admin, new KubernetesRuntime(client, names, desiredPods(), c -> access.controlPlane(applied, c)),
                new ClusterChanger.Options(settings.roll(), settings.drainThrottleBytes()), log).apply(applied, delta);
        // the pods as they are now: nodes that left are forgotten, nodes that joined remembered
        Set<Integer> now = new TreeSet<>();
        pods().forEach(p -> now.add(KafkaReconciliation.nodeId(p)));
        Map<Integer, String> formatted = new TreeMap<>(formattedNow(m, now, applied));
        formatted.keySet().retainAll(now);
        observedAfterChange = Optional.of(new ClusterObserver(admin, 5000).observe());
        if (delta.metadataLevel().isPresent()) {
            finalized = ClusterObserver.finalizedMetadataLevel(admin, 10_000);
        }
        ClusterMemory after = m.withFormatted(formatted);
        for (int gone : m.formatted().keySet()) {
            if (!now.contains(gone)) {
                after = after.without(gone);
            }
        }
        return after;
    }

    /** The pods of the cluster, as they are now (one being deleted is gone). */
    List<Pod> pods() {
        return client.pods().inNamespace(names.namespace()).withLabels(names.podSelector()).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private Map<Integer, Pod> desiredPods() {
        Map<Integer, Pod> pods = new TreeMap<>();
        objects.stream().filter(o -> o instanceof Pod).forEach(o -> pods.put(KafkaReconciliation.nodeId((Pod) o), (Pod) o));
        return pods;
    }

    /** The memory's formatted nodes and each of {@code nodes} new to it, formatted by the desired Kafka. */
    private static Map<Integer, String> formattedNow(ClusterMemory m, Set<Integer> nodes, DesiredCluster desired) {
        Map<Integer, String> formatted = new TreeMap<>(m.formatted());
        nodes.forEach(id -> formatted.putIfAbsent(id, desired.version().toString()));
        return formatted;
    }

    /**
     * Deletes the lag exporter's Deployment, Service and certificate Secret when the manifests no longer
     * ask for it (spec.kafkaExporter removed). Only objects this Kafka owns: one of the same name that
     * someone else made is left alone.
     */
    private void removeUnwantedExporter(DesiredCluster applied) {
        if (applied.exporterSpec().isPresent()) {
            return;
        }
        String ns = names.namespace();
        String uid = kafka.getMetadata().getUid();
        String name = ExporterObjects.name(names);
        List<HasMetadata> gone = new ArrayList<>();
        gone.add(client.apps().deployments().inNamespace(ns).withName(name).get());
        gone.add(client.services().inNamespace(ns).withName(name).get());
        gone.add(client.secrets().inNamespace(ns).withName(names.exporterCerts()).get());
        for (HasMetadata o : gone) {
            if (o != null && o.getMetadata().getOwnerReferences() != null
                    && o.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid != null && uid.equals(r.getUid()))) {
                LOG.info("Kafka {}/{}: deleting {} {}: spec.kafkaExporter no longer asks for it", ns, names.cluster(), o.getKind(),
                        o.getMetadata().getName());
                client.resource(o).delete();
            }
        }
    }

    /** The resources as applied, for the next reconciliation to compare against (status included: it holds the node ids). */
    private static String applied(Kafka kafka, List<KafkaNodePool> pools) {
        StringBuilder sb = new StringBuilder(Serialization.asYaml(kafka));
        pools.forEach(p -> sb.append(Serialization.asYaml(p)));
        return sb.toString();
    }

    static OwnerReference owner(Kafka kafka) {
        return new OwnerReferenceBuilder().withApiVersion(kafka.getApiVersion()).withKind(kafka.getKind())
                .withName(kafka.getMetadata().getName()).withUid(kafka.getMetadata().getUid())
                .withBlockOwnerDeletion(false).withController(false).build();
    }
}
