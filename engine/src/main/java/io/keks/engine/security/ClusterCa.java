package io.keks.engine.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster CA that signs each node's certificate for TLS listeners, kept as PEM so it can be
 * stored in a file (locally) or a Secret (Kubernetes) and loaded again.
 */
public final class ClusterCa {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new self-signed CA named after the cluster. */
    public static ClusterCa create(String clusterName, Duration validity) {
        return create(new X500Name("O=io.keks, CN=cluster-ca " + clusterName), validity);
    }

    /**
     * A new self-signed clients CA: it signs the certificates of KafkaUsers that authenticate with
     * mutual TLS, and the listeners with authentication tls trust it (and only it).
     */
    public static ClusterCa createClientsCa(String clusterName, Duration validity) {
        return create(new X500Name("O=io.keks, CN=clients-ca " + clusterName), validity);
    }

    private static ClusterCa create(X500Name subject, Duration validity) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new ClusterCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the cluster CA", e);
        }
    }

    /** Loads a CA saved with {@link #certificatePem()} and {@link #keyPem()}. */
    public static ClusterCa load(String certificatePem, String keyPem) {
        try {
            X509Certificate cert = Pem.certificate(certificatePem);
            String body = keyPem.replace(PKCS8_BEGIN, "").replace(PKCS8_END, "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            return new ClusterCa(cert, key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the cluster CA: " + e.getMessage(), e);
        }
    }

    /**
     * The same CA with a new certificate for the same key and name, valid for {@code validity} from
     * now. What the old certificate signed stays valid under the new one, and clients that trust the
     * old one trust what the new one signs: a renewal needs no moment of double trust.
     */
    public ClusterCa renewed(Duration validity) {
        try {
            X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, certificate.getPublicKey());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(certificate.getPublicKey()));
            return new ClusterCa(sign(b, key), key);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot renew the CA", e);
        }
    }

    /** When this CA's certificate expires, in milliseconds since the epoch. */
    public long notAfterMillis() {
        return certificate.getNotAfter().getTime();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    /** The private key as PKCS#8 PEM (BEGIN PRIVATE KEY), the form every TLS tool reads. */
    public String keyPem() {
        return pkcs8(key);
    }

    private static String pkcs8(PrivateKey key) {
        return PKCS8_BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n" + PKCS8_END + "\n";
    }

    /**
     * A PKCS12 key store holding a new key and a certificate for {@code commonName}, signed by this CA,
     * valid for the given DNS names and IP addresses, with the CA certificate in its chain.
     */
    public byte[] issueKeyStore(String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity,
                                char[] password) {
        return issueServer(commonName, dnsNames, ipAddresses, validity, password).keyStore();
    }

    /**
     * A server's key store as {@link #issueKeyStore} makes it, and its certificate apart: public, so it
     * can be kept where reading it needs neither the key store's password nor its decryption.
     */
    public record ServerCertificate(byte[] keyStore, X509Certificate certificate) {
        public String certificatePem() {
            return pem(certificate);
        }
    }

    public ServerCertificate issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity,
                                         char[] password) {
        Issued issued = issue(new X500Name("O=io.keks, CN=" + commonName), commonName, dnsNames, ipAddresses, validity);
        return new ServerCertificate(keyStore(issued, commonName, password), issued.certificate());
    }

    /**
     * A PKCS12 key store for a KafkaUser that logs in with mutual TLS: subject {@code CN=<user>}, so
     * that Kafka names the principal {@code User:CN=<user>}, as it does for Strimzi's TLS users.
     */
    public byte[] issueUserKeyStore(String user, Duration validity, char[] password) {
        return issueUser(user, validity, password).keyStore();
    }

    /**
     * A TLS user's certificate as Strimzi's user Secret holds it: the PKCS12 key store (null for a
     * component's), and the certificate and key as PEM.
     */
    public record UserCertificate(byte[] keyStore, String certificatePem, String keyPem) {
    }

    public UserCertificate issueUser(String user, Duration validity, char[] password) {
        Issued issued = issue(new X500Name("CN=" + user), user, List.of(), List.of(), validity);
        return new UserCertificate(keyStore(issued, user, password), pem(issued.certificate()), pkcs8(issued.key()));
    }

    /**
     * A certificate and key, as PEM, for a component of keks that reaches Kafka's internal listeners as
     * {@code CN=<commonName>,O=io.keks} (the operator, the lag exporter): Kafka clients take PEM inline
     * in their properties, so no key store file is needed.
     */
    public UserCertificate issueComponent(String commonName, Duration validity) {
        Issued issued = issue(new X500Name("O=io.keks, CN=" + commonName), commonName, List.of(), List.of(), validity);
        return new UserCertificate(null, pem(issued.certificate()), pkcs8(issued.key()));
    }

    /**
     * Kafka client properties for mutual TLS with {@code cert}, trusting this CA: every value inline
     * as PEM (the key is not encrypted, so it must stay in memory or in a file only its owner reads).
     */
    public Properties clientTlsProperties(UserCertificate cert) {
        Properties p = new Properties();
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", cert.certificatePem() + certificatePem());
        p.put("ssl.keystore.key", cert.keyPem());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", certificatePem());
        return p;
    }

    private record Issued(X509Certificate certificate, PrivateKey key) {
    }

    private byte[] keyStore(Issued issued, String alias, char[] password) {
        try {
            return pkcs12(password, ks -> ks.setKeyEntry(alias, issued.key(), password,
                    new X509Certificate[] {issued.certificate(), certificate}));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write the key store of " + alias, e);
        }
    }

    private Issued issue(X500Name subject, String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
                    subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            // by key alone: a certificate naming the CA's serial would not chain to the CA's renewed certificate
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            return new Issued(sign(b, key), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    /** A PKCS12 trust store with only this CA's certificate, for clients of the TLS listeners. */
    public byte[] trustStore(char[] password) {
        return trustStore(password, List.of());
    }

    /**
     * A PKCS12 trust store with this CA's certificate and {@code previous} ones: after a renewal,
     * certificates the old CA certificate signed are trusted until every node serves a new one.
     */
    public byte[] trustStore(char[] password, List<X509Certificate> previous) {
        try {
            return pkcs12(password, ks -> {
                ks.setCertificateEntry("ca", certificate);
                for (int i = 0; i < previous.size(); i++) {
                    ks.setCertificateEntry("ca-previous-" + i, previous.get(i));
                }
            });
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write the trust store", e);
        }
    }

    /** A random password for key and trust stores. */
    public static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The JDK's settings for how hard a PKCS12 store's password is to guess, per kind of protection. */
    private static final List<String> PBE_ITERATIONS = List.of("keystore.pkcs12.macIterationCount",
            "keystore.pkcs12.keyPbeIterationCount", "keystore.pkcs12.certPbeIterationCount");

    /**
     * Writes the store with one PBE iteration instead of the JDK's 10,000. Every store keks writes
     * sits beside its password with the same protection (an owner-only file, or the same Secret),
     * so the iterations guard nothing, while each Kafka channel that loads the store paid them:
     * measured here, 48 ms a load in a warm JVM against 2 ms (363 ms against 149 ms in a new one),
     * and 0.5 s off the warm start of a seed cluster whose internal listeners run TLS (bench/startup
     * median 12.8 s to 12.3 s). The JDK reads these properties when a key entry is set (the key is
     * encrypted then) and when the store is written (its MAC and certificates), so they are set around
     * both and put back: set around the writing alone, the key kept 10,000, which cost each broker
     * about 0.45 s of its start (a flight recording of the seed cluster's start, 2026-12-04).
     */
    private static byte[] pkcs12(char[] password, Fill fill) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        synchronized (PBE_ITERATIONS) {
            Map<String, String> before = new HashMap<>();
            PBE_ITERATIONS.forEach(k -> before.put(k, System.getProperty(k)));
            try {
                PBE_ITERATIONS.forEach(k -> System.setProperty(k, "1"));
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                fill.into(ks);
                ks.store(out, password);
            } finally {
                before.forEach((k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
            }
        }
        return out.toByteArray();
    }

    /** Puts a store's entries in. */
    private interface Fill {
        void into(KeyStore ks) throws GeneralSecurityException;
    }

    /** EC P-256: as strong as RSA 3072 and generated in milliseconds rather than a second. */
    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** A certificate as PEM text. */
    public static String pem(X509Certificate o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
