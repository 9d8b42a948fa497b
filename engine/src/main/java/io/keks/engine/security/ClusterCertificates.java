package io.keks.engine.security;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ServerProperties;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The certificates step of a reconciliation: reads what the store holds, decides with
 * {@link CertificatePlan}, and makes what the plan says. A node whose certificate changes restarts to
 * serve it; the change of nodes sees that by itself, since every node records the certificate it
 * started with.
 */
public final class ClusterCertificates {
    private ClusterCertificates() {
    }

    /**
     * @param renewClusterCa renew the cluster CA now even when it is not due ({@code keks roll --renew-ca})
     * @param progress       a line per thing made, for people
     */
    public static CertificatePlan reconcile(DesiredCluster desired, boolean internalTls, boolean renewClusterCa, CertificateStore store,
                                            Consumer<String> progress) throws IOException {
        Map<Integer, Optional<X509Certificate>> nodes = new LinkedHashMap<>();
        for (DesiredNode n : CertificatePlan.nodesWithCertificates(desired, internalTls)) {
            nodes.put(n.id(), store.nodeCertificate(n));
        }
        boolean clusterCaNeeded = CertificatePlan.needsClusterCa(desired, internalTls);
        CertificatePlan plan = CertificatePlan.of(desired, internalTls, renewClusterCa, new CertificatePlan.Existing(
                clusterCaNeeded ? store.clusterCaCertificate() : Optional.empty(),
                desired.needsClientsCa() ? store.clientsCaCertificate() : Optional.empty(), nodes,
                clusterCaNeeded ? store.components() : Map.of()), System.currentTimeMillis());
        if (plan.changesNothing()) {
            return plan;
        }
        Duration validity = Duration.ofDays(desired.clusterCa().validityDays());
        ClusterCa ca = switch (plan.clusterCa()) {
            case CREATE -> {
                ClusterCa made = ClusterCa.create(desired.name(), validity);
                store.saveClusterCa(made, Optional.empty());
                progress.accept("created the cluster CA, valid until " + Instant.ofEpochMilli(made.notAfterMillis()));
                yield made;
            }
            case RENEW -> {
                ClusterCa old = store.clusterCa();
                ClusterCa renewed = old.renewed(validity);
                store.saveClusterCa(renewed, Optional.of(old));
                progress.accept("renewed the cluster CA's certificate (same key), valid until " + Instant.ofEpochMilli(renewed.notAfterMillis()));
                yield renewed;
            }
            case KEEP -> plan.nodes().isEmpty() && plan.components().isEmpty() ? null : store.clusterCa();
            case NONE -> null;
        };
        Map<String, List<Integer>> byReason = new TreeMap<>();
        for (DesiredNode n : desired.nodes()) {
            String why = plan.nodes().get(n.id());
            if (why != null) {
                store.issueNode(n, ca, ServerProperties.nodeCommonName(desired), validity);
                byReason.computeIfAbsent(why, w -> new ArrayList<>()).add(n.id());
            }
        }
        // a node's first certificate goes without saying; one issued again restarts to serve it
        byReason.forEach((why, ids) -> {
            if (!why.equals("it has none")) {
                progress.accept("issued new certificates for " + ids.size() + " node(s) " + ids + " (" + why
                        + "); each restarts to serve its own");
            }
        });
        for (Map.Entry<String, String> c : plan.components().entrySet()) {
            store.issueComponent(c.getKey(), ca, validity);
        }
        settleClientsCa(desired, plan.clientsCa(), store, progress);
        return plan;
    }

    /**
     * The clients CA as the plan says: made when missing, renewed when due. The certificates step of a
     * cluster and a KafkaUser's credential both come here, so it is made and renewed in one place.
     */
    public static void settleClientsCa(DesiredCluster desired, ClientsCaStore store, Consumer<String> progress) throws IOException {
        settleClientsCa(desired, CertificatePlan.clientsCaAction(desired, store.clientsCaCertificate(), System.currentTimeMillis()),
                store, progress);
    }

    private static void settleClientsCa(DesiredCluster desired, CertificatePlan.CaAction action, ClientsCaStore store,
                                        Consumer<String> progress) throws IOException {
        Duration validity = Duration.ofDays(desired.clientsCa().validityDays());
        if (action == CertificatePlan.CaAction.CREATE) {
            store.saveClientsCa(ClusterCa.createClientsCa(desired.name(), validity), Optional.empty());
            progress.accept("created the clients CA for the mutual-TLS users");
        } else if (action == CertificatePlan.CaAction.RENEW) {
            // user certificates it signed stay valid, and brokers that trust the old certificate trust what
            // the new one signs, so no broker restarts
            ClusterCa old = store.clientsCa();
            ClusterCa renewed = old.renewed(validity);
            store.saveClientsCa(renewed, Optional.of(old));
            progress.accept("renewed the clients CA's certificate (same key), valid until " + Instant.ofEpochMilli(renewed.notAfterMillis()));
        }
    }
}
