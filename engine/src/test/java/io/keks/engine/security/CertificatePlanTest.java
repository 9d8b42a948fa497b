package io.keks.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.engine.security.CertificatePlan.CaAction;
import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.ListenerSpec;
import io.keks.model.Role;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The certificate decisions both runtimes follow, on real certificates from a real CA. */
class CertificatePlanTest {
    static final ListenerSpec PLAIN = new ListenerSpec("plain", 9092, "internal", false, null);
    static final ListenerSpec TLS = new ListenerSpec("tls", 9093, "internal", true, null);
    static final ListenerSpec MTLS = new ListenerSpec("mtls", 9094, "internal", true, "tls");
    static final ClusterCa CA = ClusterCa.create("cluster", Duration.ofDays(365));
    static final long NOW = System.currentTimeMillis();

    static DesiredCluster cluster(ListenerSpec listener) {
        List<DesiredNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new DesiredNode(i, "broker", Set.of(Role.BROKER), null, List.of(), null));
        }
        nodes.add(new DesiredNode(3, "controller", Set.of(Role.CONTROLLER), null, List.of(), null));
        return new DesiredCluster("kafka", "cluster", KafkaVersion.parse("4.4.0").orElseThrow(), null, List.of(listener), Map.of(), nodes,
                List.of(), Map.of(), null, null, null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    static X509Certificate node(String commonName, int days) {
        return CA.issueServer(commonName, List.of(), List.of(), Duration.ofDays(days), "pw".toCharArray()).certificate();
    }

    static Map<Integer, Optional<X509Certificate>> nodes(DesiredCluster c, boolean all, X509Certificate cert) {
        Map<Integer, Optional<X509Certificate>> m = new TreeMap<>();
        (all ? c.nodes() : c.brokers()).forEach(n -> m.put(n.id(), Optional.of(cert)));
        return m;
    }

    @Test
    void aPlainClusterWithoutInternalTlsHasNoCertificates() {
        DesiredCluster c = cluster(PLAIN);
        CertificatePlan p = CertificatePlan.of(c, false, false, new CertificatePlan.Existing(Optional.empty(), Optional.empty(),
                Map.of(), Map.of()), NOW);
        assertThat(p.clusterCa()).isEqualTo(CaAction.NONE);
        assertThat(p.clientsCa()).isEqualTo(CaAction.NONE);
        assertThat(p.nodes()).isEmpty();
        assertThat(p.changesNothing()).isTrue();
        assertThat(CertificatePlan.nodesWithCertificates(c, false)).isEmpty();
    }

    @Test
    void aNewClusterGetsItsCaAndEveryNodeWithInternalTlsOnlyBrokersWithout() {
        DesiredCluster c = cluster(TLS);
        CertificatePlan inside = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.empty(), Optional.empty(),
                Map.of(), Map.of("keks-admin", Optional.empty())), NOW);
        assertThat(inside.clusterCa()).isEqualTo(CaAction.CREATE);
        assertThat(inside.nodes()).containsOnlyKeys(0, 1, 2, 3).containsValue("it has none");
        assertThat(inside.components()).containsOnlyKeys("keks-admin");
        CertificatePlan outside = CertificatePlan.of(c, false, false, new CertificatePlan.Existing(Optional.empty(), Optional.empty(),
                Map.of(), Map.of()), NOW);
        assertThat(outside.nodes()).containsOnlyKeys(0, 1, 2);
    }

    @Test
    void inSyncNothingIsMadeAndADueNodeIsIssuedAlone() {
        DesiredCluster c = cluster(TLS);
        X509Certificate good = node("cluster-kafka", 365);
        Map<Integer, Optional<X509Certificate>> nodes = nodes(c, true, good);
        CertificatePlan settled = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.empty(), nodes, Map.of("keks-admin", Optional.of(good))), NOW);
        assertThat(settled.changesNothing()).isTrue();
        assertThat(settled.clusterCa()).isEqualTo(CaAction.KEEP);

        nodes.put(1, Optional.of(node("cluster-kafka", 5)));
        CertificatePlan due = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.empty(), nodes, Map.of()), NOW);
        assertThat(due.clusterCa()).isEqualTo(CaAction.KEEP);
        assertThat(due.nodes()).containsOnlyKeys(1);
        assertThat(due.nodes().get(1)).startsWith("it expires ");
    }

    @Test
    void aCaDueOrAskedToRenewIsRenewedAndEveryNodeAndComponentIssuedAgain() {
        DesiredCluster c = cluster(TLS);
        X509Certificate good = node("cluster-kafka", 365);
        ClusterCa ending = CA.renewed(Duration.ofDays(10));
        CertificatePlan due = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(ending.certificate()),
                Optional.empty(), nodes(c, true, good), Map.of("keks-admin", Optional.of(good))), NOW);
        assertThat(due.clusterCa()).isEqualTo(CaAction.RENEW);
        assertThat(due.nodes()).containsOnlyKeys(0, 1, 2, 3).allSatisfy((id, why) -> assertThat(why).isEqualTo("the cluster CA was renewed"));
        assertThat(due.components()).containsOnlyKeys("keks-admin");
        CertificatePlan asked = CertificatePlan.of(c, true, true, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.empty(), nodes(c, true, good), Map.of()), NOW);
        assertThat(asked.clusterCa()).isEqualTo(CaAction.RENEW);
        assertThat(asked.nodes()).hasSize(4);
    }

    @Test
    void withInternalTlsACertificateNamingAnythingButTheSharedSubjectIsIssuedAgain() {
        DesiredCluster c = cluster(TLS);
        Map<Integer, Optional<X509Certificate>> nodes = nodes(c, true, node("cluster-kafka", 365));
        nodes.put(0, Optional.of(node("cluster-broker-0", 365)));
        CertificatePlan p = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.empty(), nodes, Map.of()), NOW);
        assertThat(p.nodes()).containsOnlyKeys(0);
        assertThat(p.nodes().get(0)).contains("CN=cluster-broker-0", "not CN=cluster-kafka,O=io.keks");
    }

    @Test
    void theClientsCaIsMadeForMutualTlsAndRenewedWhenDueWithoutTouchingNodes() {
        DesiredCluster c = cluster(MTLS);
        X509Certificate good = node("cluster-kafka", 365);
        CertificatePlan made = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.empty(), nodes(c, true, good), Map.of()), NOW);
        assertThat(made.clientsCa()).isEqualTo(CaAction.CREATE);
        assertThat(made.nodes()).isEmpty();
        ClusterCa clients = ClusterCa.createClientsCa("cluster", Duration.ofDays(10));
        CertificatePlan renewed = CertificatePlan.of(c, true, false, new CertificatePlan.Existing(Optional.of(CA.certificate()),
                Optional.of(clients.certificate()), nodes(c, true, good), Map.of()), NOW);
        assertThat(renewed.clientsCa()).isEqualTo(CaAction.RENEW);
        assertThat(renewed.nodes()).isEmpty();
    }
}
