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
import io.keks.engine.change.ChangeGate;
import io.keks.engine.change.ClusterChanger;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.security.ClusterCertificates;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.engine.roll.Roller;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.operator.resources.IdentityData;
import io.keks.operator.resources.ClusterObjects;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.RenderOptions;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of a Kafka cluster on Kubernetes. Observe, then act: read the Kafka and its
 * node pools, check them as the CLI checks files, render the objects, write those that are not
 * pods, create the pods of a new cluster, and for a running one hand the delta between its pods and
 * the desired nodes to the engine (the same ClusterChanger and Roller that run local clusters).
 * Finally the pods' readiness and the statuses say what Kafka reports.
 */
public final class KafkaClusterReconcile {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterReconcile.class);

    /**
     * @param render  images, and the owner reference set per cluster
     * @param roll    bounds of each wait of a change
     * @param requeue how soon to look again while the cluster is not ready yet
     */
    public record Settings(RenderOptions render, Roller.Options roll, long drainThrottleBytes, Duration requeue) {
        public static Settings defaults() {
            return new Settings(RenderOptions.defaults(), Roller.Options.defaults(), 50L << 20, Duration.ofSeconds(10));
        }
    }

    private final KubernetesClient client;
    private final KafkaAccess access;
    private final Settings settings;

    public KafkaClusterReconcile(KubernetesClient client, KafkaAccess access, Settings settings) {
        this.client = client;
        this.access = access;
        this.settings = settings;
    }

    public KafkaStatuses.Outcome reconcile(Kafka kafka) {
        String ns = kafka.getMetadata().getNamespace();
        String name = kafka.getMetadata().getName();
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel("strimzi.io/cluster", name)
                .list().getItems();
        KafkaStatuses statuses = new KafkaStatuses(kafka, pools);
        Optional<String> rulesName = CustomResources.metricsConfigMap(kafka);
        Optional<ConfigMap> rules = rulesName.map(n -> client.configMaps().inNamespace(ns).withName(n).get());
        Manifests manifests = CustomResources.of(kafka, pools, rules);
        if (manifests.hasErrors()) {
            return statuses.invalid(CustomResources.message(manifests.problems()));
        }
        ClusterModel.Result model;
        try {
            model = io.keks.operator.resources.Rendering.model(manifests, Map.of());
        } catch (ManifestException e) {
            return statuses.invalid(CustomResources.message(e.problems()));
        }
        DesiredCluster desired = model.cluster();
        model.warnings().forEach(w -> statuses.warn("ManifestWarning", CustomResources.describe(w)));
        if (rulesName.isPresent() && rules.isEmpty()) {
            statuses.warn("MetricsConfigMapMissing", "ConfigMap " + rulesName.get() + " named by spec.kafka.metricsConfig is not in"
                    + " namespace " + ns + "; the Kafka pods wait for it before they start: apply it (examples/kafka-manifests/kafka-metrics.yaml)");
        }
        KafkaNames names = KafkaNames.of(desired);
        boolean reverted = false;
        ConfigMap identityMap = client.configMaps().inNamespace(ns).withName(names.identity()).get();
        Map<String, String> kept = identityMap == null || identityMap.getData() == null ? Map.of() : identityMap.getData();
        ClusterMemory memory = identityMap == null ? ClusterMemory.newCluster(desired) : IdentityData.read(kept);
        List<Pod> pods = pods(names);
        // the nodes that exist: those that have had a pod, and those with one now
        Set<Integer> existing = new TreeSet<>(memory.formatted().keySet());
        pods.forEach(p -> existing.add(nodeId(p)));

        // a change keks refuses is reverted: the cluster goes on as last applied, with a warning saying why
        if (kept.containsKey(IdentityData.APPLIED)) {
            Manifests last = ManifestParser.parse("last applied " + name, kept.get(IdentityData.APPLIED));
            DesiredCluster lastDesired = io.keks.operator.resources.Rendering.model(last, Map.of()).cluster();
            DesiredCluster wanted = desired;
            ChangeGate.Facts facts = new ChangeGate.Facts(lastDesired, wanted, !pods.isEmpty(), existing, memory.internalTls(),
                    memory.formattedBy(lastDesired.version()), BundledMetadataVersions::of);
            List<String> refused = ChangeGate.refusals(facts, () -> access.admin(wanted));
            if (!refused.isEmpty()) {
                statuses.warn("UnsafeChangeRefused", "the change was not made, the cluster runs as last applied: "
                        + String.join("; ", refused));
                manifests = last;
                desired = lastDesired;
                reverted = true;
            }
        }
        // with no pod at all (a new cluster) every desired node gets one now; a node is remembered with the Kafka that formats it
        if (pods.isEmpty()) {
            desired.nodes().forEach(n -> existing.add(n.id()));
        }
        memory = memory.withNodes(desired).withFormatted(formattedNow(memory, existing, desired));
        RenderOptions render = new RenderOptions(settings.render().operatorImage(), settings.render().kafkaImageRepository(),
                Optional.of(owner(kafka)));
        List<HasMetadata> objects = ClusterObjects.render(manifests, desired, memory, render);
        SecretCertificateStore certificates = new SecretCertificateStore(client, desired, objects);
        Map<Integer, String> servedBefore = certificates.nodeSerials();
        try {
            ClusterCertificates.reconcile(desired, memory.internalTls(desired), false, certificates,
                    line -> LOG.info("Kafka {}/{}: {}", ns, name, line));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        certificates.annotate(objects);
        ConfigMap identityObject = (ConfigMap) objects.stream().filter(o -> o instanceof ConfigMap
                && o.getMetadata().getName().equals(names.identity())).findFirst().orElseThrow();
        identityObject.getData().put(IdentityData.APPLIED, reverted ? kept.get(IdentityData.APPLIED) : applied(kafka, pools));

        ObjectApplier applier = new ObjectApplier(client);
        Map<Integer, Pod> desiredPods = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof Pod p) {
                desiredPods.put(nodeId(p), p);
            } else {
                applier.apply(o);
            }
        }
        applier.warnings().forEach(w -> statuses.warn("StorageNotExpandable", w));
        removeUnwantedExporter(desired, names, kafka);
        // a node whose pod is missing (deleted, evicted) gets it back at once, as a StatefulSet's would;
        // a new cluster gets all its pods together (its controllers need each other to form the quorum)
        for (DesiredNode n : desired.nodes()) {
            if (existing.contains(n.id()) && pods.stream().noneMatch(p -> nodeId(p) == n.id())) {
                LOG.info("Kafka {}/{}: creating pod {}", ns, name, names.pod(n));
                client.pods().inNamespace(ns).resource(desiredPods.get(n.id())).create();
            }
        }
        if (pods.isEmpty()) {
            return statuses.notReady(desired, memory, "Creating", "creating the pods of a new cluster", settings.requeue());
        }
        try (var admin = access.admin(desired)) {
            ObservedCluster observed;
            try {
                observed = new ClusterObserver(admin, 5000).observe();
            } catch (Exception e) {
                return statuses.notReady(desired, memory, "KafkaNotAnswering", "waiting for Kafka to answer: "
                        + rootMessage(e), settings.requeue());
            }
            // which configs change live, as a serving broker says: read once, for the live changes and the delta
            ConfigModes modes = PodImage.configModes(admin, observed.brokers().stream().filter(observed::brokerServing).findFirst()
                    .orElse(desired.brokers().get(0).id()), desired.version().toString());
            Set<String> before = memory.managedConfig();
            Optional<DynamicConfigApplier.Result> live = applyLiveConfig(admin, desired, before, pods, observed, modes);
            List<String> configChanges = live.map(DynamicConfigApplier.Result::changes).orElse(List.of());
            Set<String> managed = live.map(r -> r.managed(before)).orElse(before);
            if (!managed.equals(before)) {
                memory = memory.withManagedConfig(managed);
                keep(identityObject, memory, applier);
            }
            OptionalInt finalized = ClusterObserver.finalizedMetadataLevel(admin, 10_000);
            ClusterImage image = PodImage.of(pods(names), finalized, servedBefore);
            var levels = BundledMetadataVersions.of(desired.version());
            Map<Integer, Map<String, String>> wanted = new TreeMap<>();
            for (DesiredNode n : desired.nodes()) {
                objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(names.pod(n))).findFirst()
                        .ifPresent(c -> wanted.put(n.id(), PodImage.properties(((ConfigMap) c).getData().get("server.properties"))));
            }
            ClusterDelta delta = ClusterDelta.of(desired, wanted, image, modes, Set.of(), certificates.nodeSerials(),
                    desired.metadataVersion() == null ? OptionalInt.empty() : levels.level(desired.metadataVersion()));
            if (!delta.isEmpty()) {
                LOG.info("Kafka {}/{}: {}", ns, name, delta.summary(false));
                Roller.Listener log = message -> LOG.info("Kafka {}/{}: {}", ns, name, message);
                new ClusterChanger(admin, new KubernetesRuntime(client, names, desiredPods),
                        new ClusterChanger.Options(settings.roll(), settings.drainThrottleBytes()), log).apply(desired, delta);
                // the pods as they are now: nodes that left are forgotten, nodes that joined remembered
                Set<Integer> now = new TreeSet<>();
                pods(names).forEach(p -> now.add(nodeId(p)));
                Map<Integer, String> formatted = new TreeMap<>(formattedNow(memory, now, desired));
                formatted.keySet().retainAll(now);
                memory = memory.withFormatted(formatted);
                keep(identityObject, memory, applier);
                observed = new ClusterObserver(admin, 5000).observe();
                if (delta.metadataLevel().isPresent()) {
                    finalized = ClusterObserver.finalizedMetadataLevel(admin, 10_000);
                }
            }
            new PodReadiness(client, names).update(desired, observed);
            finalized.ifPresent(l -> statuses.metadataVersion(levels.name(l)));
            return statuses.observed(desired, memory, observed, pods(names), configChanges, settings.requeue());
        } catch (Roller.RollFailed e) {
            return statuses.notReady(desired, memory, "RollFailed", e.getMessage(), settings.requeue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return statuses.notReady(desired, memory, "Interrupted", "the operator is stopping", settings.requeue());
        } catch (Exception e) {
            LOG.warn("Kafka {}/{}: reconciliation failed", ns, name, e);
            return statuses.notReady(desired, memory, "ReconcileFailed", rootMessage(e), settings.requeue());
        }
    }

    /** The memory's formatted nodes and each of {@code nodes} new to it, formatted by the desired Kafka. */
    private static Map<Integer, String> formattedNow(ClusterMemory memory, Set<Integer> nodes, DesiredCluster desired) {
        Map<Integer, String> formatted = new TreeMap<>(memory.formatted());
        nodes.forEach(id -> formatted.putIfAbsent(id, desired.version().toString()));
        return formatted;
    }

    /** The identity ConfigMap with {@code memory}, its last applied resources kept. */
    private static void keep(ConfigMap identityObject, ClusterMemory memory, ObjectApplier applier) {
        Map<String, String> data = new java.util.LinkedHashMap<>(IdentityData.of(memory));
        data.put(IdentityData.APPLIED, identityObject.getData().get(IdentityData.APPLIED));
        identityObject.setData(data);
        applier.apply(identityObject);
    }

    /** spec.kafka.config entries Kafka changes live, through the engine's DynamicConfigApplier. */
    private Optional<DynamicConfigApplier.Result> applyLiveConfig(org.apache.kafka.clients.admin.Admin admin, DesiredCluster desired,
                                                        Set<String> managed, List<Pod> pods, ObservedCluster observed,
                                                        ConfigModes modes) throws Exception {
        List<Integer> brokers = desired.brokers().stream().map(DesiredNode::id).filter(observed::brokerServing).toList();
        Optional<Pod> broker = pods.stream().filter(p -> brokers.contains(nodeId(p))).findFirst();
        if (broker.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> running = PodImage.properties(broker.get().getMetadata().getAnnotations()
                .getOrDefault(io.keks.operator.resources.NodeObjects.STARTED_CONFIG, ""));
        DynamicConfigApplier.Result r = new DynamicConfigApplier(admin, 30_000).apply(desired.config(), managed, running, brokers, modes);
        if (r.refused().isPresent()) {
            throw new IllegalStateException("Kafka refused spec.kafka.config, nothing was changed: " + r.refused().get());
        }
        return Optional.of(r);
    }

    private List<Pod> pods(KafkaNames names) {
        return client.pods().inNamespace(names.namespace()).withLabels(names.podSelector()).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /**
     * Deletes the lag exporter's Deployment, Service and certificate Secret when the manifests no longer
     * ask for it (spec.kafkaExporter removed). Only objects this Kafka owns: one of the same name that
     * someone else made is left alone.
     */
    private void removeUnwantedExporter(DesiredCluster desired, KafkaNames names, Kafka kafka) {
        if (desired.exporterSpec().isPresent()) {
            return;
        }
        String ns = names.namespace();
        String uid = kafka.getMetadata().getUid();
        String name = io.keks.operator.resources.ExporterObjects.name(names);
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

    static int nodeId(Pod p) {
        String name = p.getMetadata().getName();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
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

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
