package io.keks.operator;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.roll.NodeRuntime;
import io.keks.model.DesiredNode;
import io.keks.operator.resources.KafkaNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Kubernetes {@link NodeRuntime}: a node is its pod. keks manages the pods itself, as Strimzi
 * does with its pod sets: a restart deletes the pod, waits until it is gone, and creates it again
 * from the desired spec; its claims keep the data.
 */
public final class KubernetesRuntime implements NodeRuntime {
    private final KubernetesClient client;
    private final KafkaNames names;
    private final Map<Integer, Pod> desiredPods;
    private final Function<DesiredNode, HostPort> controlPlane;
    private final CountDownLatch never = new CountDownLatch(1);

    /** @param desiredPods the pod each desired node is to run, as rendered for this reconciliation */
    /** @param controlPlane where the other controllers reach a controller ({@link KafkaAccess#controlPlane}) */
    public KubernetesRuntime(KubernetesClient client, KafkaNames names, Map<Integer, Pod> desiredPods,
                             Function<DesiredNode, HostPort> controlPlane) {
        this.client = client;
        this.names = names;
        this.desiredPods = desiredPods;
        this.controlPlane = controlPlane;
    }

    private Optional<Pod> pod(DesiredNode node) {
        return Optional.ofNullable(client.pods().inNamespace(names.namespace()).withName(names.pod(node)).get());
    }

    @Override
    public Health health(DesiredNode node) {
        Optional<Pod> pod = pod(node);
        if (pod.isEmpty() || pod.get().getMetadata().getDeletionTimestamp() != null) {
            return Health.DOWN;
        }
        List<ContainerStatus> containers = pod.get().getStatus() == null || pod.get().getStatus().getContainerStatuses() == null
                ? List.of() : pod.get().getStatus().getContainerStatuses();
        boolean looping = containers.stream().anyMatch(c -> c.getState() != null && c.getState().getWaiting() != null
                && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason()));
        if (looping) {
            return Health.CRASH_LOOP;
        }
        return pod.get().getStatus() != null && "Running".equals(pod.get().getStatus().getPhase()) ? Health.RUNNING : Health.DOWN;
    }

    @Override
    public void start(DesiredNode node) {
        Pod desired = desiredPods.get(node.id());
        if (desired == null) {
            throw new IllegalStateException("no pod rendered for node " + node.id());
        }
        retireRemovedVolumes(node);
        client.pods().inNamespace(names.namespace()).resource(desired).create();
    }

    /**
     * A node that starts without a volume it had (emptied first, which the change gate checks): the claim of that
     * volume goes when its pool asked for deleteClaim (the Kafka resource owns it), and stays otherwise.
     */
    private void retireRemovedVolumes(DesiredNode node) {
        String ns = names.namespace();
        Set<String> kept = node.volumes().stream().map(v -> names.claim(node, v)).collect(Collectors.toSet());
        client.persistentVolumeClaims().inNamespace(ns).withLabel("statefulset.kubernetes.io/pod-name", names.pod(node)).list()
                .getItems().stream()
                .filter(c -> !kept.contains(c.getMetadata().getName()))
                .filter(c -> c.getMetadata().getOwnerReferences() != null && !c.getMetadata().getOwnerReferences().isEmpty())
                .forEach(c -> client.persistentVolumeClaims().inNamespace(ns).withName(c.getMetadata().getName()).delete());
    }

    @Override
    public void stop(DesiredNode node, Duration grace) throws InterruptedException {
        var pod = client.pods().inNamespace(names.namespace()).withName(names.pod(node));
        if (pod.get() == null) {
            return;
        }
        pod.withGracePeriod(grace.toSeconds()).delete();
        // the claims stay; what matters is that the old process is gone before a new pod starts. Polled,
        // not watched: a watch may miss the deletion of an object that waited for its finalizers
        long deadline = System.nanoTime() + grace.plusSeconds(60).toNanos();
        while (pod.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pod " + names.pod(node) + " was still there " + grace.plusSeconds(60).toSeconds()
                        + " s after it was deleted");
            }
            never.await(250, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A node that left: its ConfigMap and Secret go, and its claims when the pool asked for that
     * (deleteClaim: true, rendered as the Kafka resource owning the claim).
     */
    @Override
    public void delete(DesiredNode node) {
        String ns = names.namespace();
        String pod = names.pod(node);
        client.configMaps().inNamespace(ns).withName(pod).delete();
        client.secrets().inNamespace(ns).withName(pod).delete();
        client.persistentVolumeClaims().inNamespace(ns).withLabel("statefulset.kubernetes.io/pod-name", pod).list().getItems().stream()
                .filter(c -> c.getMetadata().getOwnerReferences() != null && !c.getMetadata().getOwnerReferences().isEmpty())
                .forEach(c -> client.persistentVolumeClaims().inNamespace(ns).withName(c.getMetadata().getName()).delete());
    }

    @Override
    public String name(DesiredNode node) {
        return names.pod(node);
    }

    @Override
    public HostPort controlPlane(DesiredNode controller) {
        return controlPlane.apply(controller);
    }
}
