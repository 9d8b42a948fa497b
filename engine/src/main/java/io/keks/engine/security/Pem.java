package io.keks.engine.security;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Reading certificates with the JDK alone. Kept apart from {@link ClusterCa}: that class needs Bouncy
 * Castle, whose signed jar is checked when its first class loads and cannot go in the JVM's class
 * cache, which costs a command about 0.1 s. Commands that only look at a certificate's dates or
 * names use this.
 */
public final class Pem {
    private Pem() {
    }

    /** The first certificate of PEM text. No signature is checked. */
    public static X509Certificate certificate(String pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
