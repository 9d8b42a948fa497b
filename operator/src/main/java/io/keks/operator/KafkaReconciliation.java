package io.keks.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.ClusterMemory;
import io.keks.engine.DiskUse;
import io.keks.engine.ObservedCluster;
import io.keks.engine.config.DynamicConfigApplier;
import io.keks.engine.reconcile.Reconciliation;
import io.keks.engine.roll.Roller;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.model.ClusterModel;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredRebalance;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import io.keks.operator.resources.KafkaNames;
import io.keks.operator.resources.RenderOptions;
import io.keks.operator.resources.Rendering;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of a Kafka cluster on Kubernetes: reads the Kafka and its node pools, checks them
 * as the CLI checks files (a Kafka that is not valid gets Ready False and nothing else happens), runs
 * the engine's {@link Reconciliation} over the cluster's Kubernetes objects ({@link KubernetesCluster}),
 * and turns its outcome into the Kafka's and its pools' statuses.
 */
public final class KafkaReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaReconciliation.class);

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

    public KafkaReconciliation(KubernetesClient client, KafkaAccess access, Settings settings) {
        this.client = client;
        this.access = access;
        this.settings = settings;
    }

    /** The KafkaRebalance templates of a cluster: what spec.cruiseControl.autoRebalance may name. */
    private List<KafkaRebalance> rebalanceTemplates(String ns, String cluster) {
        return client.resources(KafkaRebalance.class).inNamespace(ns).withLabel("strimzi.io/cluster", cluster).list().getItems().stream()
                .filter(r -> r.getMetadata().getAnnotations() != null
                        && "true".equals(r.getMetadata().getAnnotations().get(DesiredRebalance.TEMPLATE))).toList();
    }

    public KafkaStatuses.Outcome reconcile(Kafka kafka) {
        String ns = kafka.getMetadata().getNamespace();
        String name = kafka.getMetadata().getName();
        List<KafkaNodePool> pools = client.resources(KafkaNodePool.class).inNamespace(ns).withLabel("strimzi.io/cluster", name)
                .list().getItems();
        KafkaStatuses statuses = new KafkaStatuses(kafka, pools);
        Optional<String> rulesName = CustomResources.metricsConfigMap(kafka);
        Optional<ConfigMap> rules = rulesName.map(n -> client.configMaps().inNamespace(ns).withName(n).get());
        Manifests manifests = CustomResources.of(kafka, pools, rules).plus(CustomResources.parsed(rebalanceTemplates(ns, name)));
        if (manifests.hasErrors()) {
            return statuses.invalid(CustomResources.message(manifests.problems()));
        }
        ClusterModel.Result model;
        try {
            model = Rendering.model(manifests, Map.of(), OperatorConfigRules::of);
        } catch (ManifestException e) {
            return statuses.invalid(CustomResources.message(e.problems()));
        }
        model.warnings().forEach(w -> statuses.warn("ManifestWarning", CustomResources.describe(w)));
        if (rulesName.isPresent() && rules.isEmpty()) {
            statuses.warn("MetricsConfigMapMissing", "ConfigMap " + rulesName.get() + " named by spec.kafka.metricsConfig is not in"
                    + " namespace " + ns + "; the Kafka pods wait for it before they start: apply it (examples/kafka-manifests/kafka-metrics.yaml)");
        }
        KubernetesCluster cluster = new KubernetesCluster(client, access, settings, kafka, pools, manifests, model.cluster(), statuses);
        Reconciliation.Listener log = new Reconciliation.Listener() {
            @Override
            public void step(String line) {
                LOG.info("Kafka {}/{}: {}", ns, name, line);
            }

            @Override
            public void volumes(VolumeGrowth.Result result) {
                result.held().forEach(h -> statuses.warn(h.reason(), h.message()));
            }
        };
        try {
            Reconciliation.Outcome o = Reconciliation.run(cluster, Reconciliation.Mode.KEEP, false, log);
            DesiredCluster applied = o.applied();
            ClusterMemory memory = o.memory();
            return switch (o.ending()) {
                case CREATING -> statuses.notReady(applied, memory, "Creating", "creating the pods of a new cluster", settings.requeue());
                case NOT_ANSWERING -> statuses.notReady(applied, memory, "KafkaNotAnswering", "waiting for Kafka to answer: "
                        + cluster.notAnswering(), settings.requeue());
                case CONFIG_REFUSED -> statuses.notReady(applied, memory, "ReconcileFailed", o.message(), settings.requeue());
                default -> {
                    ObservedCluster observed = cluster.observedAfterChange().orElse(o.observed().orElseThrow());
                    new PodReadiness(client, KafkaNames.of(applied)).update(applied, observed);
                    var levels = BundledMetadataVersions.of(applied.version());
                    cluster.finalized().ifPresent(l -> statuses.metadataVersion(levels.name(l)));
                    warnOfFullDisks(applied, o.disks(), statuses);
                    o.partitions().warnings().forEach(w -> statuses.warn(w.reason(), w.message()));
                    yield statuses.observed(applied, memory, observed, cluster.pods(),
                            o.liveConfig().map(DynamicConfigApplier.Result::changes).orElse(List.of()), settings.requeue());
                }
            };
        } catch (Roller.RollFailed e) {
            return statuses.notReady(cluster.applied(), cluster.memory(), "RollFailed", e.getMessage(), settings.requeue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return statuses.notReady(cluster.applied(), cluster.memory(), "Interrupted", "the operator is stopping", settings.requeue());
        } catch (Exception e) {
            LOG.warn("Kafka {}/{}: reconciliation failed", ns, name, e);
            return statuses.notReady(cluster.applied(), cluster.memory(), "ReconcileFailed", rootMessage(e), settings.requeue());
        }
    }

    /** A Warning for each broker log directory that is nearly full or that Kafka took offline, as the pass read them. */
    private static void warnOfFullDisks(DesiredCluster applied, List<DiskUse> disks, KafkaStatuses statuses) {
        KafkaNames names = KafkaNames.of(applied);
        for (DiskUse d : disks) {
            if (d.needsAttention(DiskUse.WARN_PERCENT)) {
                String node = applied.nodes().stream().filter(n -> n.id() == d.broker()).findFirst().map(names::pod)
                        .orElse("node " + d.broker());
                statuses.warn(d.reason(), d.warning(node));
            }
        }
    }

    static int nodeId(Pod p) {
        String name = p.getMetadata().getName();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
