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
}
