package io.keks.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.local.LocalCluster;
import io.keks.model.DesiredNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the kubelet for the operator tests: each Kafka pod the operator creates in the mock API
 * server runs as a real Kafka process of a local cluster with the same node ids, and a pod the
 * operator deletes has its process stopped first (a finalizer holds the pod until then, as a real
 * kubelet holds it until its containers are gone). So the engine's Kafka checks meet real Kafka.
 */
final class LocalKubelet implements AutoCloseable {
    static final String FINALIZER = "test.keks.io/kubelet";

    private final KubernetesClient client;
    private final String namespace;
    private final AtomicReference<LocalCluster> local;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** What the kubelet did, in order: "started cluster-broker-0", "stopped cluster-broker-0". */
    final List<String> events = new CopyOnWriteArrayList<>();
    private final Map<String, String> started = new ConcurrentHashMap<>();
    /** Pods whose Kubernetes node is lost: a container of theirs that exits is not started again until removed from here. */
    final Set<String> onLostNodes = ConcurrentHashMap.newKeySet();

    LocalKubelet(KubernetesClient client, String namespace, LocalCluster local) {
        this.client = client;
        this.namespace = namespace;
        this.local = new AtomicReference<>(local);
        this.thread = Thread.ofPlatform().name("local-kubelet").daemon().start(this::loop);
    }

    /** The local cluster as the test re-applied it (its node files carry the changed config). */
    void cluster(LocalCluster c) {
        local.set(c);
    }

    LocalCluster cluster() {
        return local.get();
    }

    private void loop() {
        while (stop.getCount() > 0) {
            try {
                sync();
                stop.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                events.add("error " + e);
            }
        }
    }

    private void sync() {
        LocalCluster c = local.get();
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        for (Pod p : pods) {
            String name = p.getMetadata().getName();
            int id = KafkaReconciliation.nodeId(p);
            if (p.getMetadata().getDeletionTimestamp() != null) {
                if (c.process(id).isPresent()) {
                    c.stop(node(c, id), Duration.ofSeconds(60));
                }
                events.add("stopped " + name);
                started.remove(name);
                client.pods().inNamespace(namespace).withName(name).edit(x -> {
                    x.getMetadata().getFinalizers().remove(FINALIZER);
                    return x;
                });
                continue;
            }
            if (p.getMetadata().getFinalizers() == null || !p.getMetadata().getFinalizers().contains(FINALIZER)) {
                client.pods().inNamespace(namespace).withName(name).edit(x -> {
                    List<String> f = new ArrayList<>(Optional.ofNullable(x.getMetadata().getFinalizers()).orElse(List.of()));
                    f.add(FINALIZER);
                    x.getMetadata().setFinalizers(f);
                    return x;
                });
            }
            String uid = p.getMetadata().getUid();
            if (!uid.equals(started.get(name))) {
                if (c.process(id).isEmpty()) {
                    try {
                        c.start(node(c, id));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                started.put(name, uid);
                events.add("started " + name);
                Pod fresh = client.pods().inNamespace(namespace).withName(name).get();
                fresh.setStatus(new PodStatusBuilder().withPhase("Running").build());
                client.pods().inNamespace(namespace).resource(fresh).updateStatus();
            } else if (c.process(id).isEmpty() && !onLostNodes.contains(name)) {
                // restartPolicy Always: a container that exited on its own is started again in the same pod
                try {
                    c.start(node(c, id));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                events.add("restarted " + name + " (container exited)");
            }
        }
        // a pod deleted before the finalizer was on: its process goes too
        for (DesiredNode n : c.desired().nodes()) {
            if (c.process(n.id()).isPresent() && pods.stream().noneMatch(p -> KafkaReconciliation.nodeId(p) == n.id())) {
                c.stop(n, Duration.ofSeconds(60));
                events.add("stopped " + c.nodeName(n) + " (pod gone)");
            }
        }
    }

    private static DesiredNode node(LocalCluster c, int id) {
        return c.desired().nodes().stream().filter(n -> n.id() == id).findFirst()
                .orElseGet(() -> {
                    try {
                        return c.image(null).nodes().get(id).asDesiredNode();
                    } catch (Exception e) {
                        throw new IllegalStateException("no node " + id, e);
                    }
                });
    }

    /** The pods the kubelet stopped, in order, since {@code from} events. */
    List<String> stoppedSince(int from) {
        return events.subList(from, events.size()).stream().filter(e -> e.startsWith("stopped ")).map(e -> e.substring(8)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.join(120_000);
    }
}
