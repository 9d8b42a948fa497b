package io.keks.cli;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keks.local.LocalCluster;
import io.keks.local.LocalUsers;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The secured example (examples/secure/) on real Kafka: SCRAM-SHA-512 and mutual-TLS listeners,
 * the StandardAuthorizer with the KafkaUsers' ACLs and quotas, mutual TLS inside the cluster, and
 * no secret in any output or log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterTest {
    static final String SECURE = SeedClusterTest.EXAMPLES + "/secure";
    static final String GIVEN = "analytics-example-password-1";
    static final String ROTATED = "analytics-rotated-password-2";
    static Path home;
    static int shift;
    /** Everything every keks command of this class printed, for the scan for secrets. */
    static final List<String> printed = new ArrayList<>();

    static KeksCli.Result run(String... args) {
        KeksCli.Result r = KeksCli.run(args);
        printed.add(r.out());
        printed.add(r.err());
        return r;
    }

    @BeforeAll
    static void up() throws IOException {
        home = Files.createTempDirectory("keks-secure-test");
        System.setProperty("keks.home", home.toString());
        shift = io.keks.local.PortShifts.free();
        KeksCli.Result r = run("up", "-d", "--port-shift", String.valueOf(shift), "-f", SECURE);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Kafka cluster secure is ready", "kafkauser/orders-app ready (scram-sha-512, 4 ACLs)",
                "kafkauser/throttled ready (scram-sha-512, 2 ACLs, quotas)", "--user orders-app");
    }

    @AfterAll
    static void down() throws IOException {
        SeedClusterTest.downDeletingData(home);
    }

    static LocalCluster cluster() throws IOException {
        return LocalCluster.open(io.keks.local.ClusterHome.fromEnvironment(), "secure");
    }

    /** The properties `keks credentials USER` prints, as a client would load them from a file. */
    static Properties credentials(String user, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("credentials", user));
        args.addAll(List.of(more));
        KeksCli.Result r = run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Properties p = new Properties();
        p.load(new StringReader(r.out()));
        return p;
    }

    static KafkaProducer<String, String> producer(Properties credentials) {
        Properties p = new Properties();
        p.putAll(credentials);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("acks", "all");
        p.put("max.block.ms", "20000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        return new KafkaProducer<>(p);
    }

    @Test
    @Order(1)
    void theTlsListenerServesACertificateOfTheClusterCaAndAPlainClientGetsNoAnswer() throws Exception {
        LocalCluster c = cluster();
        int port = 9093 + shift;
        String password = Files.readString(c.dir().resolve("ca").resolve("store-password")).trim();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(c.dir().resolve("ca").resolve("truststore.p12"))) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        X509Certificate ca;
        try (var in = Files.newInputStream(c.dir().resolve("ca").resolve("ca.crt"))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(served.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
            served.verify(ca.getPublicKey());
        }
        // a client that speaks Kafka without TLS to the TLS listener gets nowhere
        Properties plain = new Properties();
        plain.put("bootstrap.servers", "127.0.0.1:" + port);
        plain.put("request.timeout.ms", "3000");
        plain.put("default.api.timeout.ms", "6000");
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        // and keks' own client needs a user on a listener that asks for one
        KeksCli.Result anonymous = KeksCli.runWithInput("x\n", "produce", "orders");
        assertThat(anonymous.exitCode()).isNotZero();
        assertThat(anonymous.err()).contains("asks clients to log in (scram-sha-512); name a KafkaUser with --user NAME");
    }

    @Test
    @Order(2)
    void getKafkaUsersWithOutputShowsEachUsersStatusAsTheOperatorWritesIt() throws Exception {
        KeksCli.Result r = run("get", "kafkausers", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode items = SeedClusterTest.JSON.readTree(r.out()).path("items");
        assertThat(items.findValuesAsText("name")).contains("orders-app", "throttled");
        CrdSchemas schemas = new CrdSchemas();
        for (JsonNode user : items) {
            String name = user.path("metadata").path("name").asText();
            assertThat(user.path("kind").asText()).isEqualTo("KafkaUser");
            // as Strimzi names them: a SCRAM user by its name, a TLS user by its certificate's subject
            boolean tls = user.path("spec").path("authentication").path("type").asText().equals("tls");
            assertThat(user.path("status").path("username").asText()).as(name).isEqualTo(tls ? "CN=" + name : name);
            assertThat(user.path("status").path("conditions").get(0).path("status").asText()).as(name).isEqualTo("True");
            assertThat(schemas.undeclared(user)).as(name).isEmpty();
        }
        KeksCli.Result one = run("get", "ku", "orders-app", "-o", "json");
        assertThat(SeedClusterTest.JSON.readTree(one.out()).path("status").path("secret").asText()).isEqualTo("orders-app");
    }

    @Test
    @Order(3)
    void aScramUserProducesWhereItsAclsAllowAndGetsTopicAuthorizationFailedElsewhere() throws Exception {
        for (String listener : List.of("scram", "scramtls")) {
            Properties creds = credentials("orders-app", "--listener", listener);
            assertThat(creds.getProperty("sasl.jaas.config")).contains("${keks:").doesNotContain(LocalUsers.password(cluster().dir(),
                    "orders-app").orElseThrow().reveal());
            try (KafkaProducer<String, String> producer = producer(creds)) {
                producer.send(new ProducerRecord<>("orders", "order-" + listener)).get(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("payments", "x")).get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        // analytics may read orders in its own group, and not in another one
        KeksCli.Result read = run("consume", "orders", "--user", "analytics", "--group", "analytics", "--from-beginning",
                "--max-messages", "2");
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out().lines()).containsExactlyInAnyOrder("order-scram", "order-scramtls");
        KeksCli.Result otherGroup = run("consume", "orders", "--user", "analytics", "--group", "someone-else", "--from-beginning",
                "--max-messages", "1", "--timeout-ms", "10000");
        assertThat(otherGroup.exitCode()).isNotZero();
        assertThat(otherGroup.err()).contains("Not authorized to access group");
        KeksCli.Result write = KeksCli.runWithInput("nope\n", "produce", "orders", "--user", "analytics");
        printed.add(write.out());
        printed.add(write.err());
        assertThat(write.exitCode()).isNotZero();
        // keks produces idempotently: without Write on any topic, Kafka refuses the producer id first
        assertThat(write.err()).containsAnyOf("Not authorized to access topics: [orders]", "Cluster authorization failed");

        KeksCli.Result users = run("get", "kafkausers");
        assertThat(users.out()).contains("analytics", "orders-app", "throttled").contains("scram-sha-512").contains("True");
    }

    @Test
    @Order(4)
    void aTlsUserProducesWhereItsAclsAllowAndGetsTopicAuthorizationFailedElsewhere() throws Exception {
        Properties creds = credentials("payments-app");
        assertThat(creds.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(creds.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:" + (9094 + shift));
        assertThat(creds.getProperty("ssl.keystore.password")).startsWith("${keks:");
        try (KafkaProducer<String, String> producer = producer(creds)) {
            producer.send(new ProducerRecord<>("payments", "paid")).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("orders", "x")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // the certificate's subject is the principal the ACLs name, as Strimzi's TLS users have it
        try (Admin admin = cluster().admin()) {
            var acls = admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
            assertThat(acls).anySatisfy(b -> assertThat(b.entry().principal()).isEqualTo("User:CN=payments-app"));
        }
        // a client without a certificate of the clients CA is turned away by the listener itself
        Properties noCertificate = credentials("payments-app");
        noCertificate.remove("ssl.keystore.location");
        noCertificate.remove("ssl.keystore.password");
        noCertificate.remove("ssl.keystore.type");
        try (KafkaProducer<String, String> producer = producer(noCertificate)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("payments", "x")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
        KeksCli.Result anonymous = KeksCli.runWithInput("x\n", "produce", "payments", "--listener", "mtls");
        assertThat(anonymous.err()).contains("asks clients for a certificate (authentication tls); name a KafkaUser with --user NAME");
    }

    @Test
    @Order(5)
    void aCertificateTheOperatorIssuesItselfFromTheClusterCaIsASuperUserOnTheInternalListener() throws Exception {
        // the keks operator reaches a secured cluster this way: a keks-admin certificate of the cluster CA, given to
        // the Admin client as PEM in its properties (no key store file), on the replication listener
        LocalCluster c = cluster();
        io.keks.engine.security.ClusterCa ca = io.keks.engine.security.ClusterCa.load(
                Files.readString(c.dir().resolve("ca/ca.crt")), Files.readString(c.dir().resolve("ca/ca.key")));
        Properties p = ca.clientTlsProperties(ca.issueComponent(io.keks.model.ServerProperties.KEKS_COMMON_NAME, Duration.ofDays(1)));
        p.put("bootstrap.servers", "127.0.0.1:" + (9091 + shift));
        try (Admin admin = Admin.create(p)) {
            // only a super user may read every ACL: the authorizer has none for keks-admin
            assertThat(admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .anySatisfy(b -> assertThat(b.entry().principal()).isEqualTo("User:orders-app"));
        }
        // another name from the same CA is no super user: it may not read the ACLs
        Properties other = ca.clientTlsProperties(ca.issueComponent("someone-else", Duration.ofDays(1)));
        other.put("bootstrap.servers", "127.0.0.1:" + (9091 + shift));
        try (Admin admin = Admin.create(other)) {
            assertThatThrownBy(() -> admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.ClusterAuthorizationException.class);
        }
    }

    @Test
    @Order(6)
    void aProducerQuotaThrottlesItsUserAndNotTheOthers() throws Exception {
        assertThat(throttleMs("throttled")).isPositive();
        assertThat(throttleMs("orders-app")).isZero();
    }

    /** The longest throttle a producer of {@code user} was told to take while sending 320 KiB. */
    static double throttleMs(String user) throws Exception {
        try (KafkaProducer<String, String> producer = producer(credentials(user))) {
            String value = "x".repeat(8 * 1024);
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(producer.send(new ProducerRecord<>("orders", value)));
            }
            for (var f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
            return producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("produce-throttle-time-max") && e.getKey().group().equals("producer-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElseThrow();
        }
    }

    /**
     * A TLS user's certificate is issued again when the clients CA's certificate is renewed after it,
     * though the user's own is not due (Strimzi's user operator does the same); on Kubernetes too
     * (KafkaUserReconcileTest).
     */
    @Test
    @Order(7)
    void aTlsUserIsIssuedAgainWhenTheClientsCaIsRenewedAfterItsCertificate() throws Exception {
        LocalCluster c = cluster();
        Path caCert = c.dir().resolve("ca").resolve("clients-ca.crt");
        String userCert = Files.readString(LocalUsers.certificateFile(c.dir(), "payments-app"));
        // as if made long ago: the clients CA's certificate (same key) ends in ten days, within the renewal days
        io.keks.engine.security.ClusterCa ca = c.clientsCa();
        Files.writeString(caCert, ca.renewed(java.time.Duration.ofDays(10)).certificatePem());
        assertThat(io.keks.engine.security.Pem.certificate(userCert).getNotAfter().getTime() - System.currentTimeMillis())
                .as("the user's own is not due").isGreaterThan(java.time.Duration.ofDays(300).toMillis());

        KeksCli.Result apply = run("apply", "-f", SECURE);
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(apply.out()).contains("renewed the clients CA's certificate", "kafkauser/payments-app ready");
        assertThat(Files.readString(LocalUsers.certificateFile(c.dir(), "payments-app"))).as("issued again").isNotEqualTo(userCert);
        try (KafkaProducer<String, String> producer = producer(credentials("payments-app"))) {
            producer.send(new ProducerRecord<>("payments", "after the clients CA's renewal")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(8)
    void aChangedPasswordInTheUsersSecretRotatesTheCredential() throws Exception {
        Path changed = Files.createTempDirectory(home, "rotated").resolve("kafka-users.yaml");
        Files.writeString(changed, Files.readString(Path.of(SECURE, "kafka-users.yaml")).replace(GIVEN, ROTATED));
        KeksCli.Result apply = run("apply", "-f", changed.toString());
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(apply.out()).contains("kafkauser/analytics ready");
        assertThat(LocalUsers.password(cluster().dir(), "analytics").orElseThrow().reveal()).isEqualTo(ROTATED);

        Properties old = credentials("analytics");
        old.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"analytics\""
                + " password=\"" + GIVEN + "\";");
        try (KafkaProducer<String, String> producer = producer(old)) {
            assertThatThrownBy(() -> producer.partitionsFor("orders")).isInstanceOf(SaslAuthenticationException.class);
        }
        KeksCli.Result read = run("consume", "orders", "--user", "analytics", "--group", "analytics", "--from-beginning",
                "--max-messages", "1", "--timeout-ms", "20000");
        assertThat(read.exitCode()).as(read.err()).isZero();
        // an apply with nothing changed writes no credential again
        KeksCli.Result again = run("apply", "-f", changed.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("kafkausers: Kafka already held every credential, ACL and quota; nothing written");
    }

    @Test
    @Order(9)
    void aClientsCaAndTlsUserCertificateDueForRenewalAreRenewedOnApplyAndTheUserStillLogsIn() throws Exception {
        LocalCluster before = cluster();
        String oldCert = Files.readString(LocalUsers.certificateFile(before.dir(), "payments-app"));
        String oldCa = Files.readString(before.dir().resolve("ca").resolve("clients-ca.crt"));
        // certificates valid for 365 days are due when renewal starts 399 days before expiry
        Path changed = Files.createTempDirectory(home, "renewal").resolve("kafka-secure.yaml");
        Files.writeString(changed, Files.readString(Path.of(SECURE, "kafka-secure.yaml"))
                .replace("spec:\n  kafka:\n", "spec:\n  clientsCa:\n    validityDays: 400\n    renewalDays: 399\n  kafka:\n"));
        KeksCli.Result apply = run("apply", "-f", changed.toString());
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(apply.out()).contains("renewed the clients CA's certificate", "kafkauser/payments-app ready");
        LocalCluster after = cluster();
        assertThat(Files.readString(LocalUsers.certificateFile(after.dir(), "payments-app"))).isNotEqualTo(oldCert);
        assertThat(Files.readString(after.dir().resolve("ca").resolve("clients-ca.crt"))).isNotEqualTo(oldCa);
        // the brokers were not restarted, and they accept the renewed certificate
        try (KafkaProducer<String, String> producer = producer(credentials("payments-app"))) {
            producer.send(new ProducerRecord<>("payments", "renewed")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(10)
    void noPasswordShowsInAnyCommandOutputOrLogFile() throws Exception {
        LocalCluster c = cluster();
        Set<String> secrets = new TreeSet<>(List.of(GIVEN, ROTATED,
                Files.readString(c.dir().resolve("ca").resolve("store-password")).trim()));
        for (String user : List.of("orders-app", "analytics", "throttled", "payments-app")) {
            secrets.add(LocalUsers.password(c.dir(), user).orElseThrow().reveal());
        }
        List<Path> logs = new java.util.ArrayList<>();
        Files.walkFileTree(c.dir(), new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes attrs) {
                String name = f.getFileName().toString();
                if (attrs.isRegularFile() && (name.endsWith(".log") || name.startsWith("server.log") || name.equals("stdout"))) {
                    logs.add(f);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, java.io.IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE; // a checkpoint file the running nodes replaced while the tree was walked
            }
        });
        assertThat(logs).as("node and supervisor logs").isNotEmpty();
        for (Path log : logs) {
            String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text).as(log + " holds a secret").doesNotContain(secret);
            }
        }
        assertThat(printed).isNotEmpty();
        for (String output : printed) {
            for (String secret : secrets) {
                assertThat(output).as("a command's output holds a secret").doesNotContain(secret);
            }
        }
        // the files that do hold them, or keys, are for their owner only
        List<Path> holders = new ArrayList<>(List.of(c.dir().resolve("ca").resolve("ca.key"), c.dir().resolve("ca").resolve("clients-ca.key"),
                c.dir().resolve("ca").resolve("store-password"), c.dir().resolve("ca").resolve("keks-admin.p12"),
                LocalUsers.keyStoreFile(c.dir(), "payments-app")));
        for (String user : List.of("orders-app", "analytics", "throttled", "payments-app")) {
            holders.add(LocalUsers.passwordFile(c.dir(), user));
        }
        for (var node : c.desired().nodes()) {
            holders.add(c.addressing().nodeDir(node.id()).resolve("server.properties"));
            holders.add(c.addressing().nodeDir(node.id()).resolve("keystore.p12"));
        }
        try (Stream<Path> stored = Files.list(c.dir().resolve("manifests"))) {
            stored.filter(f -> f.getFileName().toString().startsWith("Secret-")).forEach(holders::add);
        }
        assertThat(holders).anySatisfy(f -> assertThat(f.getFileName().toString()).startsWith("Secret-"));
        for (Path f : holders) {
            assertThat(Files.getPosixFilePermissions(f)).as(f.toString())
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    @Order(11)
    void deletingAKafkaUserTakesItsCredentialAclsAndQuotasOutOfKafka() throws Exception {
        LocalCluster c = cluster();
        KeksCli.Result r = run("delete", "kafkauser", "throttled");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("kafkauser/throttled deleted; its credential, ACLs and quotas are gone from Kafka");
        try (Admin admin = c.admin()) {
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS)).doesNotContainKey("throttled")
                    .containsKey("orders-app");
            assertThat(admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .noneSatisfy(b -> assertThat(b.entry().principal()).isEqualTo("User:throttled"));
            assertThat(admin.describeClientQuotas(org.apache.kafka.common.quota.ClientQuotaFilter.all()).entities()
                    .get(30, TimeUnit.SECONDS).keySet()).noneSatisfy(e -> assertThat(e.entries()).containsValue("throttled"));
        }
        assertThat(LocalUsers.passwordFile(c.dir(), "throttled")).doesNotExist();
        assertThat(run("get", "kafkausers").out()).doesNotContain("throttled").contains("orders-app");
        KeksCli.Result again = run("delete", "kafkauser", "throttled");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no KafkaUser throttled in cluster secure");
    }
}
