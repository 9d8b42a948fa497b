package io.keks.engine.reconcile;

import io.keks.engine.ClusterMemory;
import io.keks.engine.DiskUse;
import io.keks.engine.ObservedCluster;
import io.keks.engine.change.ClusterDelta;
import io.keks.engine.change.ClusterImage;
import io.keks.engine.change.MetadataVersions;
import io.keks.engine.config.ConfigModes;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.keks.engine.security.CertificateStore;
import io.keks.engine.storage.VolumeGrowth;
import io.keks.engine.topic.TopicReconciler;
import io.keks.engine.user.UserReconciler;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * What a runtime (processes on this machine, pods on Kubernetes) gives a {@link Reconciliation}: the
 * facts, gathered first, and the effects, carried out where the runtime keeps things. It decides
 * neither the order of the steps nor any rule between them.
 */
public interface ClusterRuntime {

    /**
     * What exists before the pass.
     *
     * @param wanted   the cluster the manifests ask for
     * @param last     the cluster as last applied; empty for a new one
     * @param memory   what is remembered of the cluster; for a new one, a new memory
     * @param running  whether any node runs (a process, a pod)
     */
    record Facts(DesiredCluster wanted, Optional<DesiredCluster> last, ClusterMemory memory, boolean running) {
    }

    Facts facts() throws Exception;

    /** An Admin client to the cluster's brokers; the caller closes it. */
    Admin admin() throws Exception;

    /** Metadata.version levels as Kafka {@code version} names them. */
    MetadataVersions metadataVersions(KafkaVersion version);

    /** Keeps a refused change's reasons where the cluster's status is read. */
    void refused(List<String> reasons) throws Exception;

    /** Keeps the manifests {@code applied} stands for and {@code memory}, for the next pass and for the cluster's life. */
    void remember(DesiredCluster applied, ClusterMemory memory, boolean refusedChange) throws Exception;

    /** Where the cluster's certificates are kept; empty when the cluster has none (no TLS, no mutual TLS inside, no clients CA). */
    Optional<CertificateStore> certificates(DesiredCluster applied, ClusterMemory memory) throws Exception;

    /** Writes each node's definition (its configuration, and what surrounds it) as the runtime keeps it. */
    void writeNodeDefinitions(DesiredCluster applied, ClusterMemory memory) throws Exception;

    /**
     * Makes the nodes that should exist and do not: storage formatted for new nodes of a cluster, and, with
     * {@code startStopped}, every node that exists but does not run started. Returns the memory with the nodes it
     * formatted, and whether the cluster is new (none of its nodes existed).
     */
    Created createMissingNodes(DesiredCluster applied, ClusterMemory memory, boolean startStopped) throws Exception;

    record Created(ClusterMemory memory, boolean newCluster) {
    }

    /**
     * Kafka as it answers now; with {@code untilReady}, waiting until every broker serves and the quorum has a
     * leader (or failing with what is missing). Empty when nothing runs or Kafka does not answer.
     */
    Optional<ObservedCluster> observe(DesiredCluster applied, Admin admin, boolean untilReady) throws Exception;

    /** Which configs change live, as the running version says. */
    ConfigModes configModes(Admin admin, ObservedCluster observed) throws Exception;

    /** The configuration a serving broker last started with (what live changes are compared against). */
    Map<String, String> runningConfig(DesiredCluster applied, ObservedCluster observed) throws Exception;

    /** Each desired node's configuration as it would start now. */
    Map<Integer, Map<String, String>> desiredConfigs(DesiredCluster applied) throws Exception;

    /** The nodes that exist, with what they last started with, and the finalized metadata.version. */
    ClusterImage image(Admin admin) throws Exception;

    /** The metadata.version feature level the manifests ask to finalize; empty when they ask for none. */
    default OptionalInt metadataLevel(DesiredCluster applied) {
        return applied.metadataVersion() == null ? OptionalInt.empty() : metadataVersions(applied.version()).level(applied.metadataVersion());
    }

    /**
     * Carries out a change of nodes: in this process, or handed to where it runs (locally the cluster's
     * supervisor). Returns the memory as the nodes are after it (nodes that left forgotten).
     */
    ClusterMemory changeNodes(DesiredCluster applied, ClusterMemory memory, ClusterDelta delta, Admin admin) throws Exception;

    /** The KafkaTopics this runtime reconciles in the same pass; none where a controller of its own does (Kubernetes). */
    default Optional<TopicReconciler.Result> reconcileTopics(DesiredCluster applied) throws Exception {
        return Optional.empty();
    }

    /** The KafkaUsers this runtime reconciles in the same pass; none where a controller of its own does (Kubernetes). */
    default Optional<UserReconciler.Result> reconcileUsers(DesiredCluster applied) throws Exception {
        return Optional.empty();
    }

    /**
     * Where the KafkaRebalances of this runtime keep their state, when the pass takes them a step further;
     * empty where a controller of their own does (Kubernetes), or when the cluster has none.
     */
    default Optional<RebalanceReconciler.Store> rebalances() {
        return Optional.empty();
    }

    /**
     * How full the filesystem under each volume of {@code nodes} is, where the runtime can see it before a node starts
     * (this machine's disks); empty where it cannot (Kubernetes, where claims grow instead).
     */
    default List<DiskUse> volumesBeforeStart(List<DesiredNode> nodes) throws Exception {
        return List.of();
    }

    /** The claims of a runtime whose volumes can grow (Kubernetes); empty where they cannot (this machine's disks). */
    default Optional<VolumeGrowth.Claims> claims() {
        return Optional.empty();
    }

    /** Node ids to restart even when nothing about them changed ({@code keks roll}). */
    default Set<Integer> manualRestarts() {
        return Set.of();
    }
}
