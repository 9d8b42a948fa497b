package io.keks.local;

import io.keks.engine.security.CertificateStore;
import io.keks.engine.security.ClusterCa;
import io.keks.engine.security.Pem;
import io.keks.model.DesiredNode;
import io.keks.model.ServerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A local cluster's CAs and certificates, in files:
 * <pre>
 *   ca/ca.crt, ca/ca.key, ca/truststore.p12          the cluster CA (after a renewal the old certificate
 *                                                    stays beside the new one in ca.crt and the trust store)
 *   ca/clients-ca.crt, ca/clients-ca.key, ca/clients-truststore.p12   the clients CA
 *   ca/keks-admin.p12, ca/keks-admin.crt             keks' own super user, with internal TLS
 *   nodes/ID/keystore.p12, nodes/ID/certificate.pem  each node's key store, and its certificate apart
 * </pre>
 * Keys and stores are readable by their owner only. Every store has the cluster's store password.
 */
final class FileCertificateStore implements CertificateStore {
    /** The component name of keks' own certificate. */
    static final String ADMIN = "keks-admin";
    private final Path caDir;
    private final LocalAddressing addressing;
    private final Function<DesiredNode, String> nodeName;
    private final String password;
    private final boolean internalTls;

    FileCertificateStore(Path clusterDir, LocalAddressing addressing, Function<DesiredNode, String> nodeName, String password,
                         boolean internalTls) {
        this.caDir = clusterDir.resolve("ca");
        this.addressing = addressing;
        this.nodeName = nodeName;
        this.password = password;
        this.internalTls = internalTls;
    }

    /** keks' own key store, a super user of a cluster with internal TLS. */
    static Path adminKeyStore(Path clusterDir) {
        return clusterDir.resolve("ca").resolve(ADMIN + ".p12");
    }

    @Override
    public Optional<X509Certificate> clusterCaCertificate() throws IOException {
        return caCertificate("ca");
    }

    @Override
    public ClusterCa clusterCa() throws IOException {
        return loadCa("ca");
    }

    @Override
    public void saveClusterCa(ClusterCa ca, Optional<ClusterCa> previous) throws IOException {
        saveCa("ca", "truststore.p12", ca, previous);
    }

    @Override
    public Optional<X509Certificate> clientsCaCertificate() throws IOException {
        return caCertificate("clients-ca");
    }

    @Override
    public ClusterCa clientsCa() throws IOException {
        return loadCa("clients-ca");
    }

    @Override
    public void saveClientsCa(ClusterCa ca, Optional<ClusterCa> previous) throws IOException {
        saveCa("clients-ca", "clients-truststore.p12", ca, previous);
    }

    /** A CA without its key signs nothing: it counts only with both files. */
    private Optional<X509Certificate> caCertificate(String name) throws IOException {
        Path cert = caDir.resolve(name + ".crt");
        if (!Files.exists(cert) || !Files.exists(caDir.resolve(name + ".key"))) {
            return Optional.empty();
        }
        return Optional.of(certificate(cert));
    }

    private ClusterCa loadCa(String name) throws IOException {
        return ClusterCa.load(Files.readString(caDir.resolve(name + ".crt")), Files.readString(caDir.resolve(name + ".key")));
    }

    /**
     * The key first, the certificate last: a CA whose certificate is missing counts as none, and one
     * stop between the writes makes it again rather than pairing a certificate with the wrong key.
     */
    private void saveCa(String name, String trustStore, ClusterCa ca, Optional<ClusterCa> previous) throws IOException {
        Files.createDirectories(caDir);
        ClusterHome.writePrivate(caDir.resolve(name + ".key"), ca.keyPem().getBytes(StandardCharsets.UTF_8));
        ClusterHome.writePrivate(caDir.resolve(trustStore), ca.trustStore(password.toCharArray(),
                previous.map(p -> List.of(p.certificate())).orElse(List.of())));
        Files.writeString(caDir.resolve(name + ".crt"), ca.certificatePem() + previous.map(ClusterCa::certificatePem).orElse(""));
    }

    private Path nodeKeyStore(DesiredNode node) {
        return addressing.nodeDir(node.id()).resolve("keystore.p12");
    }

    /** The node's certificate apart from its key store: public, and read without a password or decryption. */
    static Path nodeCertificateFile(Path nodeDir) {
        return nodeDir.resolve("certificate.pem");
    }

    /**
     * Read from the PEM copy: opening the PKCS12 key store (a key derivation and a signature check per
     * store) cost every apply about 0.2 s for six nodes. A node made before the copy existed, or whose
     * key store was replaced after it, gets it from its key store, once.
     */
    @Override
    public Optional<X509Certificate> nodeCertificate(DesiredNode node) throws IOException {
        return certificateOf(nodeCertificateFile(addressing.nodeDir(node.id())), nodeKeyStore(node));
    }

    @Override
    public void issueNode(DesiredNode node, ClusterCa ca, String commonName, Duration validity) throws IOException {
        ClusterCa.ServerCertificate issued = ca.issueServer(commonName, List.of("localhost", nodeName.apply(node)),
                List.of(LocalAddressing.HOST), validity, password.toCharArray());
        // the key store first: if the command stops between the two, the PEM copy is older than the key
        // store, and nodeCertificate reads the key store instead
        Files.createDirectories(addressing.nodeDir(node.id()));
        ClusterHome.writePrivate(nodeKeyStore(node), issued.keyStore());
        Files.writeString(nodeCertificateFile(addressing.nodeDir(node.id())), issued.certificatePem());
    }

    @Override
    public Map<String, Optional<X509Certificate>> components() throws IOException {
        Path store = adminKeyStore(caDir.getParent());
        return internalTls ? Map.of(ADMIN, certificateOf(store.resolveSibling(ADMIN + ".crt"), store)) : Map.of();
    }

    @Override
    public void issueComponent(String component, ClusterCa ca, Duration validity) throws IOException {
        if (!component.equals(ADMIN)) {
            throw new IllegalArgumentException("no component " + component + " runs locally");
        }
        ClusterCa.ServerCertificate issued = ca.issueServer(ServerProperties.KEKS_COMMON_NAME, List.of(), List.of(), validity,
                password.toCharArray());
        Path store = adminKeyStore(caDir.getParent());
        ClusterHome.writePrivate(store, issued.keyStore());
        Files.writeString(store.resolveSibling(ADMIN + ".crt"), issued.certificatePem());
    }

    /**
     * From the PEM copy when it is at least as new as the key store; else from the key store, keeping a
     * copy. Without its key store there is no certificate to serve, whatever copy is left.
     */
    private Optional<X509Certificate> certificateOf(Path pem, Path store) throws IOException {
        if (!Files.exists(store)) {
            return Optional.empty();
        }
        if (Files.exists(pem) && Files.getLastModifiedTime(pem).compareTo(Files.getLastModifiedTime(store)) >= 0) {
            return Optional.of(certificate(pem));
        }
        try (var in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            X509Certificate cert = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
            Files.writeString(pem, ClusterCa.pem(cert));
            return Optional.of(cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store " + store + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(Path pem) throws IOException {
        try {
            return Pem.certificate(Files.readString(pem));
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificate " + pem + ": " + e.getMessage()
                    + "; delete it and keks reads it again from its key store", e);
        }
    }
}
