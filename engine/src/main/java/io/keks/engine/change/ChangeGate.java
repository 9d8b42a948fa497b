package io.keks.engine.change;

import io.keks.engine.ClusterObserver;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Whether a change to a cluster that exists may be made, the same on every runtime. A refused change
 * is not made at all: the cluster goes on as last applied, and the reasons say what to do instead.
 *
 * <p>Most rules follow from the manifests ({@link ChangeSafety#refusals(DesiredCluster, DesiredCluster)}).
 * Kafka is asked only when the change needs what Kafka holds: fewer brokers (against the topics'
 * replicas), another cluster-wide min.insync.replicas (against the topics without their own), another
 * Kafka or metadata version (against the finalized metadata.version), other controllers (against the
 * metadata quorum: {@link QuorumRefusals}). When Kafka does not answer then,
 * that change is refused, since it cannot be checked; any other change goes ahead, because each restart
 * it needs waits for Kafka's own safety checks anyway, and a cluster that does not answer may need
 * exactly that change to come back.
 */
public final class ChangeGate {
    private static final long TIMEOUT_MS = 30_000;

    /**
     * What the runtime knows of the cluster before the change.
     *
     * @param last              the cluster as last applied
     * @param wanted            the cluster the new manifests ask for
     * @param running           whether any node of the cluster runs (a process, a pod)
     * @param existingNodes     the nodes that exist, running or not (formatted storage, a pod or its claims)
     * @param internalTlsAlways whether the cluster runs its internal listeners with mutual TLS whatever its
     *                          security (every cluster made since that became the default)
     * @param formattedBy       the newest Kafka version that formatted a node's storage
     * @param levels            metadata.version levels as a Kafka version names them
     */
    public record Facts(DesiredCluster last, DesiredCluster wanted, boolean running, Set<Integer> existingNodes,
                        boolean internalTlsAlways, KafkaVersion formattedBy, Function<KafkaVersion, MetadataVersions> levels) {
    }

    private ChangeGate() {
    }

    /**
     * The reasons the change is refused; empty when it may be made.
     *
     * @param admin opens an Admin client to the running cluster, asked only when the change needs Kafka
     */
    public static List<String> refusals(Facts f, Callable<Admin> admin) {
        List<String> refused = new ArrayList<>(ChangeSafety.refusals(f.last(), f.wanted()));
        if (f.running() && !f.internalTlsAlways() && f.last().secured() != f.wanted().secured()) {
            refused.add("the manifests " + (f.wanted().secured() ? "add" : "remove") + " authentication or authorization, which"
                    + " switches the internal listeners between plaintext and mutual TLS; this cluster, made by an earlier keks,"
                    + " runs them plaintext unless it is secured, and changing that node by node would split the running quorum:"
                    + " locally `keks down`, then `keks up` with these manifests; on Kubernetes give a cluster its security"
                    + " when it is created");
        }
        Set<Integer> wantedIds = f.wanted().nodes().stream().map(DesiredNode::id).collect(Collectors.toSet());
        List<Integer> leaving = f.existingNodes().stream().filter(id -> !wantedIds.contains(id)).sorted().toList();
        if (!f.running() && !leaving.isEmpty()) {
            refused.add("the node pools would remove nodes " + leaving + " while the cluster is stopped; their replicas can only"
                    + " be moved to the other brokers while it runs: start the cluster first, then apply this again");
        }
        boolean controllersChange = !ids(f.last().controllers()).equals(ids(f.wanted().controllers()));
        if (!f.running() && controllersChange) {
            refused.add("the node pools would change the controllers from " + ids(f.last().controllers()) + " to "
                    + ids(f.wanted().controllers()) + " while the cluster is stopped; controllers join and leave the metadata"
                    + " quorum only while it runs: start the cluster first, then apply this again");
        }
        Map<Integer, Set<Integer>> removedVolumes = ChangeSafety.removedVolumes(f.last(), f.wanted());
        if (!f.running() && !removedVolumes.isEmpty()) {
            refused.add("the node pools would remove volumes " + removedVolumes + " (node: volume ids) while the cluster is"
                    + " stopped; only the running brokers can say whether a volume still holds partition replicas: start the"
                    + " cluster first, then apply this again");
        }
        boolean versionChange = !f.last().version().equals(f.wanted().version())
                || !Objects.equals(f.last().metadataVersion(), f.wanted().metadataVersion());
        List<String> needKafka = f.running() && refused.isEmpty() ? needsKafka(f.last(), f.wanted(), versionChange, controllersChange,
                !removedVolumes.isEmpty())
                : List.of();
        OptionalInt finalized = OptionalInt.empty();
        if (!needKafka.isEmpty()) {
            try (Admin a = admin.call()) {
                refused.addAll(ChangeSafety.refusals(a, f.wanted(), TIMEOUT_MS));
                if (controllersChange) {
                    refused.addAll(QuorumRefusals.of(a, ids(f.last().controllers()), ids(f.wanted().controllers()), TIMEOUT_MS));
                }
                if (!removedVolumes.isEmpty()) {
                    refused.addAll(ChangeSafety.volumeRefusals(a, f.wanted(), removedVolumes, TIMEOUT_MS));
                }
                if (versionChange) {
                    finalized = ClusterObserver.finalizedMetadataLevel(a, TIMEOUT_MS);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                refused.add("the change " + String.join(" and ", needKafka) + ", which can only be checked against what the running"
                        + " cluster holds, and Kafka did not answer (" + rootMessage(e) + "); nothing was changed: make that change"
                        + " once the cluster is ready, and other changes meanwhile");
                return refused;
            }
        }
        if (versionChange) {
            refused.addAll(ChangeSafety.versionRefusals(f.last().version(), f.formattedBy(), f.wanted(), finalized,
                    f.levels().apply(f.last().version()), f.levels().apply(f.wanted().version())));
        }
        return refused;
    }

    /** What in the change needs Kafka's answers to be judged; empty when the manifests alone decide. */
    private static List<String> needsKafka(DesiredCluster last, DesiredCluster wanted, boolean versionChange, boolean controllersChange,
                                           boolean volumesRemoved) {
        List<String> needs = new ArrayList<>();
        if (volumesRemoved) {
            needs.add("removes volumes");
        }
        if (controllersChange) {
            needs.add("changes the controllers");
        }
        if (wanted.brokers().size() < last.brokers().size()) {
            needs.add("leaves fewer brokers");
        }
        if (!Objects.equals(last.config().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                wanted.config().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))) {
            needs.add("sets another cluster-wide min.insync.replicas");
        }
        if (versionChange) {
            needs.add("changes the Kafka or metadata version");
        }
        return needs;
    }

    private static Set<Integer> ids(List<DesiredNode> nodes) {
        return nodes.stream().map(DesiredNode::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
