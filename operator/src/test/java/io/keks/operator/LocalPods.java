package io.keks.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.roll.NodeRuntime;
import io.keks.engine.roll.Roller;
import io.keks.local.ClusterHome;
import io.keks.local.LocalAddressing;
import io.keks.local.LocalCluster;
import io.keks.local.Progress;
import io.keks.local.TestHomes;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.manifest.Manifests;
import io.keks.operator.resources.RenderOptions;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * What the operator tests stand on: a Kafka and its node pools as custom resources in the mock API server, the
 * operator's reconciliation of them, and a local cluster in a home of its own whose processes play the pods
 * ({@link LocalKubelet}).
 */
final class LocalPods implements AutoCloseable {
    final KubernetesClient client;
    final String namespace;
    final String name;
    final Path home;
    final LocalKubelet kubelet;
    final KafkaReconciliation reconcile;
    private final KafkaAccess access;
    private final KafkaReconciliation.Settings settings;

    LocalPods(KubernetesClient client, String namespace, Manifests manifests) throws IOException {
        this.client = client;
        this.namespace = namespace;
        this.home = Files.createTempDirectory("keks-operator-test");
        LocalCluster local = TestHomes.apply(home, manifests);
        this.name = local.desired().name();
        manifests.kafkas().forEach(k -> client.resources(Kafka.class).inNamespace(namespace).resource(k.resource()).create());
        manifests.nodePools().forEach(p -> client.resources(KafkaNodePool.class).inNamespace(namespace).resource(p.resource()).create());
        this.kubelet = new LocalKubelet(client, namespace, local);
        this.access = new KafkaAccess() {
            @Override
            public Properties connection(DesiredCluster cluster) {
                try {
                    return kubelet.cluster().connections().clientProperties(null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public NodeRuntime.HostPort controlPlane(DesiredCluster cluster, DesiredNode controller) {
                // the stand-in kubelet runs each pod as a local process on its own ports
                return new NodeRuntime.HostPort(LocalAddressing.HOST, kubelet.cluster().addressing().port(controller, ListenerSpec.CONTROLPLANE));
            }
        };
        this.settings = new KafkaReconciliation.Settings(RenderOptions.defaults(),
                Roller.Options.defaults().withNodeTimeout(Duration.ofMinutes(3)), 50L << 20, Duration.ofSeconds(1));
        this.reconcile = newOperatorInstance();
    }

    /** Another operator instance, as a new leader after a failover starts: nothing of the first one's memory. */
    KafkaReconciliation newOperatorInstance() {
        return newOperatorInstance(settings.drainThrottleBytes());
    }

    /** The same with another replication throttle for drains. */
    KafkaReconciliation newOperatorInstance(long drainThrottleBytes) {
        return new KafkaReconciliation(client, access, new KafkaReconciliation.Settings(settings.render(), settings.roll(),
                drainThrottleBytes, settings.requeue()));
    }

    Kafka kafka() {
        return client.resources(Kafka.class).inNamespace(namespace).withName(name).get();
    }

    KafkaNodePool pool(String pool) {
        return client.resources(KafkaNodePool.class).inNamespace(namespace).withName(pool).get();
    }

    /** One reconciliation, its statuses written as the SDK and the operator write them. */
    KafkaStatuses.Outcome reconcileOnce() {
        return reconcileOnce(reconcile);
    }

    /** One reconciliation by the given operator instance. */
    KafkaStatuses.Outcome reconcileOnce(KafkaReconciliation instance) {
        Kafka k = kafka();
        KafkaStatuses.Outcome o = instance.reconcile(k);
        k.setStatus(o.kafka());
        client.resources(Kafka.class).inNamespace(namespace).resource(k).updateStatus();
        KafkaStatuses.writePools(client, namespace, o);
        return o;
    }

    KafkaStatuses.Outcome reconcileUntilReady() {
        return reconcileUntilReady(reconcile);
    }

    KafkaStatuses.Outcome reconcileUntilReady(KafkaReconciliation instance) {
        KafkaStatuses.Outcome[] last = new KafkaStatuses.Outcome[1];
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = reconcileOnce(instance);
                return last[0].condition("Ready").map(c -> c.getStatus().equals("True")).orElse(false);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // what the operator last said, and what the stand-in kubelet did, are what explain it
            throw new AssertionError("not Ready within 4 minutes; last conditions: "
                    + (last[0] == null ? "none" : last[0].kafka().getConditions()) + "; kubelet: " + kubelet.events, e);
        }
        return last[0];
    }

    /** Re-applies the local cluster with the Kafka and every KafkaNodePool the mock API server holds now. */
    void syncLocal() throws IOException {
        Manifests now = CustomResources.of(kafka(), client.resources(KafkaNodePool.class).inNamespace(namespace).list().getItems());
        kubelet.cluster(LocalCluster.apply(new ClusterHome(home), now, new LocalCluster.Options(null, 512L << 20,
                LocalCluster.Options.bundleFromSystem()), Progress.SILENT));
    }

    /** What the kubelet did since its {@code from}th event, copied: it goes on adding events meanwhile. */
    List<String> eventsSince(int from) {
        List<String> all = List.copyOf(kubelet.events);
        return all.subList(from, all.size());
    }

    @Override
    public void close() throws Exception {
        try {
            kubelet.close();
            kubelet.cluster().stopAll(Duration.ofSeconds(60), Progress.SILENT);
        } finally {
            TestHomes.killAndDelete(home);
        }
    }
}
