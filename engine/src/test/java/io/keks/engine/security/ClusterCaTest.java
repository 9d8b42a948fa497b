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
    void storesAreWrittenWithOnePbeIterationSoEveryKafkaChannelOpensThemCheaply() throws Exception {
        // a Kafka node opens its key store once per TLS channel builder; 10,000 iterations (the JDK's default) of the
        // key's PBKDF2 cost a broker about 0.45 s of its start in a new JVM
        ClusterCa ca = ClusterCa.create("cluster", Duration.ofDays(30));
        char[] pw = "secret".toCharArray();
        byte[] keyStore = ca.issueKeyStore("cluster-broker-0", List.of("localhost"), List.of(), Duration.ofDays(30), pw);
        var once = java.util.Map.of("mac", 1, "certificates", 1, "key", 1);
        assertThat(pbeIterations(keyStore)).isEqualTo(once);
        assertThat(pbeIterations(ca.issueUserKeyStore("alice", Duration.ofDays(30), pw))).isEqualTo(once);
        assertThat(pbeIterations(ca.trustStore(pw))).isEqualTo(java.util.Map.of("mac", 1, "certificates", 1));
        // and the JDK's own default is left as it was for everything else in the JVM
        assertThat(System.getProperty("keystore.pkcs12.keyPbeIterationCount")).isNull();
    }

    /** The PBE iteration counts of a PKCS12 store, by what they protect: its MAC, its encrypted certificates, its key. */
    private static java.util.Map<String, Integer> pbeIterations(byte[] p12) throws Exception {
        var pfx = new org.bouncycastle.pkcs.PKCS12PfxPdu(p12);
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        out.put("mac", pfx.toASN1Structure().getMacData().getIterationCount().intValueExact());
        for (var info : pfx.getContentInfos()) {
            if (info.getContentType().equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.encryptedData)) {
                var encrypted = org.bouncycastle.asn1.pkcs.EncryptedData.getInstance(info.getContent());
                out.put("certificates", iterations(encrypted.getEncryptionAlgorithm()));
                continue;
            }
            for (var bag : new org.bouncycastle.pkcs.PKCS12SafeBagFactory(info).getSafeBags()) {
                if (bag.getBagValue() instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo key) {
                    out.put("key", iterations(key.getEncryptionAlgorithm()));
                }
            }
        }
        return out;
    }

    private static int iterations(org.bouncycastle.asn1.x509.AlgorithmIdentifier pbes2) {
        var params = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(pbes2.getParameters());
        return org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(params.getKeyDerivationFunc().getParameters())
                .getIterationCount().intValueExact();
    }

    @Test
    void certificatesAreDueWithinTheRenewalDays() {
        var spec = new io.keks.model.CaSpec(365, 30);
        long now = System.currentTimeMillis();
        assertThat(spec.due(now + Duration.ofDays(29).toMillis(), now)).isTrue();
        assertThat(spec.due(now + Duration.ofDays(31).toMillis(), now)).isFalse();
    }
}
