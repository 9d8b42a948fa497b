package io.keks.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCaTest {

    @Test
    void aSavedCaLoadsBackAndStillSignsCertificatesItsTrustStoreAccepts() throws Exception {
        ClusterCa created = ClusterCa.create("cluster", Duration.ofDays(30));
        ClusterCa loaded = ClusterCa.load(created.certificatePem(), created.keyPem());
        assertThat(loaded.certificate()).isEqualTo(created.certificate());

        char[] pw = "secret".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(loaded.issueKeyStore("cluster-broker-0", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(30), pw)), pw);
        X509Certificate node = (X509Certificate) ks.getCertificate("cluster-broker-0");
        node.verify(created.certificate().getPublicKey());
        assertThat(node.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .containsExactly("localhost", "127.0.0.1");

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(new ByteArrayInputStream(created.trustStore(pw)), pw);
        assertThat(trust.getCertificate("ca")).isEqualTo(created.certificate());
    }

    @Test
    void aRenewedCaKeepsItsKeyAndWhatItSignedBeforeChainsToItsNewCertificate() throws Exception {
        ClusterCa ca = ClusterCa.create("cluster", Duration.ofDays(2));
        char[] pw = "secret".toCharArray();
        KeyStore before = KeyStore.getInstance("PKCS12");
        before.load(new ByteArrayInputStream(ca.issueKeyStore("cluster-kafka", List.of("localhost"), List.of(), Duration.ofDays(2), pw)), pw);
        X509Certificate node = (X509Certificate) before.getCertificate("cluster-kafka");

        ClusterCa renewed = ca.renewed(Duration.ofDays(365));
        assertThat(renewed.certificate().getPublicKey()).isEqualTo(ca.certificate().getPublicKey());
        assertThat(renewed.certificate().getSubjectX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(renewed.notAfterMillis()).isGreaterThan(ca.notAfterMillis() + Duration.ofDays(300).toMillis());
        // PKIX, as a TLS client checks it: the old node certificate against a trust store of the new CA certificate only
        var path = java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(List.of(node));
        var params = new java.security.cert.PKIXParameters(java.util.Set.of(new java.security.cert.TrustAnchor(renewed.certificate(), null)));
        params.setRevocationEnabled(false);
        java.security.cert.CertPathValidator.getInstance("PKIX").validate(path, params);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(new ByteArrayInputStream(renewed.trustStore(pw, List.of(ca.certificate()))), pw);
        assertThat(java.util.Collections.list(trust.aliases())).containsExactlyInAnyOrder("ca", "ca-previous-0");
    }

    @Test
    void certificatesAreDueWithinTheRenewalDays() {
        var spec = new io.keks.model.CaSpec(365, 30);
        long now = System.currentTimeMillis();
        assertThat(spec.due(now + Duration.ofDays(29).toMillis(), now)).isTrue();
        assertThat(spec.due(now + Duration.ofDays(31).toMillis(), now)).isFalse();
    }
}
