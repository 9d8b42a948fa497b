package io.keks.engine.security;

import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.ServerProperties;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which CAs and certificates a cluster needs made now, and why, decided from what exists. Pure, the
 * same on every runtime:
 * <ul>
 *   <li>a cluster CA exists when a listener uses TLS or the internal listeners run mutual TLS; it is made
 *       when missing and renewed, for the same key, within {@code spec.clusterCa.renewalDays} of its
 *       end (or when asked);</li>
 *   <li>every node has a certificate with internal TLS, only brokers otherwise (they serve the TLS
 *       listeners); one is issued when missing, when the cluster CA is new or renewed, within the
 *       renewal days of its end, or when it names anything but the subject every node shares;</li>
 *   <li>keks' own components get theirs on the same terms;</li>
 *   <li>a clients CA exists when a listener or a KafkaUser uses TLS authentication; made when missing,
 *       renewed within {@code spec.clientsCa.renewalDays}: the same key, so what it signed stays valid.</li>
 * </ul>
 *
 * @param nodes      per node id, why its certificate is issued now
 * @param components per component, why its certificate is issued now
 */
public record CertificatePlan(CaAction clusterCa, CaAction clientsCa, Map<Integer, String> nodes, Map<String, String> components) {

    public enum CaAction { NONE, CREATE, RENEW, KEEP }

    /** What exists now. */
    public record Existing(Optional<X509Certificate> clusterCa, Optional<X509Certificate> clientsCa,
                           Map<Integer, Optional<X509Certificate>> nodes, Map<String, Optional<X509Certificate>> components) {
    }

    /** Whether the cluster has a cluster CA at all. */
    public static boolean needsClusterCa(DesiredCluster desired, boolean internalTls) {
        return internalTls || desired.listeners().stream().anyMatch(ListenerSpec::tls);
    }

    /** The nodes that have certificates. */
    public static List<DesiredNode> nodesWithCertificates(DesiredCluster desired, boolean internalTls) {
        return !needsClusterCa(desired, internalTls) ? List.of() : internalTls ? desired.nodes() : desired.brokers();
    }

    public static CertificatePlan of(DesiredCluster desired, boolean internalTls, boolean renewClusterCa, Existing existing, long now) {
        CaSpec spec = desired.clusterCa();
        CaAction clusterCa = !needsClusterCa(desired, internalTls) ? CaAction.NONE
                : existing.clusterCa().isEmpty() ? CaAction.CREATE
                : renewClusterCa || spec.due(existing.clusterCa().get().getNotAfter().getTime(), now) ? CaAction.RENEW : CaAction.KEEP;
        Map<Integer, String> nodes = new TreeMap<>();
        for (DesiredNode n : nodesWithCertificates(desired, internalTls)) {
            Optional<X509Certificate> cert = existing.nodes().getOrDefault(n.id(), Optional.empty());
            String principal = ServerProperties.internalPrincipal(desired);
            why(clusterCa, cert, spec, now).or(() -> internalTls && !principal.equals(cert.get().getSubjectX500Principal().getName())
                            ? Optional.of("it names " + cert.get().getSubjectX500Principal().getName() + ", not " + principal)
                            : Optional.empty())
                    .ifPresent(reason -> nodes.put(n.id(), reason));
        }
        Map<String, String> components = new TreeMap<>();
        if (clusterCa != CaAction.NONE) {
            existing.components().forEach((name, cert) -> why(clusterCa, cert, spec, now).ifPresent(r -> components.put(name, r)));
        }
        return new CertificatePlan(clusterCa, clientsCaAction(desired, existing.clientsCa(), now), nodes, components);
    }

    /** What the clients CA needs: made when a listener or a KafkaUser uses TLS authentication and there is none, renewed when due. */
    public static CaAction clientsCaAction(DesiredCluster desired, Optional<X509Certificate> existing, long now) {
        return !desired.needsClientsCa() ? CaAction.NONE
                : existing.isEmpty() ? CaAction.CREATE
                : desired.clientsCa().due(existing.get().getNotAfter().getTime(), now) ? CaAction.RENEW : CaAction.KEEP;
    }

    /** Why a certificate signed by the cluster CA is issued now; empty when it is kept. */
    private static Optional<String> why(CaAction clusterCa, Optional<X509Certificate> cert, CaSpec spec, long now) {
        if (cert.isEmpty()) {
            return Optional.of("it has none");
        }
        if (clusterCa == CaAction.CREATE) {
            return Optional.of("the cluster CA that signed it is gone");
        }
        if (clusterCa == CaAction.RENEW) {
            return Optional.of("the cluster CA was renewed");
        }
        long notAfter = cert.get().getNotAfter().getTime();
        return spec.due(notAfter, now) ? Optional.of("it expires " + Instant.ofEpochMilli(notAfter)) : Optional.empty();
    }

    /** Whether carrying the plan out changes anything. */
    public boolean changesNothing() {
        return (clusterCa == CaAction.NONE || clusterCa == CaAction.KEEP) && (clientsCa == CaAction.NONE || clientsCa == CaAction.KEEP)
                && nodes.isEmpty() && components.isEmpty();
    }
}
