package io.keks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keks.engine.security.ClusterCa;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster made before keks ran its internal listeners on mutual TLS (plaintext inside, broker
 * certificates naming the broker) and then secured: refused while it runs, since switching a running
 * quorum's protocol node by node would split it; after `keks down`, `keks up` with the secured
 * manifests brings it up on mutual TLS, its broker certificate issued again for the name every node
 * shares, and a SCRAM user can produce.
 */
class OldClusterSecuringTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path home;
    static int shift;

    @BeforeAll
    static void makeHome() throws IOException {
        home = Files.createTempDirectory("keks-old-cluster-test");
        System.setProperty("keks.home", home.toString());
        shift = io.keks.local.PortShifts.free();
    }

    @AfterAll
    static void down() throws IOException {
        SeedClusterTest.downDeletingData(home);
    }

    /** One dual-role node with a plain and a TLS listener; secured, the plain one asks for SCRAM and an authorizer runs. */
    static String kafka(boolean secured) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata:
                  name: old
                spec:
                  kafka:
                    listeners:
                      - name: plain
                        port: 9092
                        type: internal
                        tls: false%s
                      - name: tls
                        port: 9093
                        type: internal
                        tls: true%s
                    config:
                      offsets.topic.replication.factor: 1
                      transaction.state.log.replication.factor: 1
                      transaction.state.log.min.isr: 1
                      default.replication.factor: 1
                      min.insync.replicas: 1
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata:
                  name: dual
                  labels:
                    strimzi.io/cluster: old
                spec:
                  replicas: 1
                  roles: [controller, broker]
                  storage:
                    type: jbod
                    volumes:
                      - id: 0
                        type: persistent-claim
                        size: 1Gi
                        kraftMetadata: shared
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: events
                  labels:
                    strimzi.io/cluster: old
                spec:
                  partitions: 1
                  replicas: 1
                """.formatted(secured ? "\n        authentication:\n          type: scram-sha-512" : "",
                secured ? "\n    authorization:\n      type: simple" : "")
                + (secured ? """
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata:
                  name: writer
                  labels:
                    strimzi.io/cluster: old
                spec:
                  authentication:
                    type: scram-sha-512
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: events}
                        operations: [Write, Describe]
                """ : "");
    }

    @Test
    void aRunningClusterWithPlaintextInternalListenersIsSecuredOnlyThroughDownAndUp() throws Exception {
        Path plain = home.resolve("old.yaml");
        Path secured = home.resolve("old-secured.yaml");
        Files.writeString(plain, kafka(false));
        Files.writeString(secured, kafka(true));
        KeksCli.Result first = KeksCli.run("up", "-d", "--port-shift", String.valueOf(shift), "-f", plain.toString());
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(KeksCli.run("down").exitCode()).isZero();

        // what an earlier keks left: plaintext inside, and the broker's certificate naming the broker
        LocalCluster made = LocalCluster.open(ClusterHome.fromEnvironment(), "old");
        Path dir = made.dir();
        ObjectNode state = (ObjectNode) JSON.readTree(dir.resolve("state.json").toFile());
        state.put("internalTls", false);
        JSON.writeValue(dir.resolve("state.json").toFile(), state);
        String password = Files.readString(dir.resolve("ca/store-password")).trim();
        ClusterCa ca = ClusterCa.load(Files.readString(dir.resolve("ca/ca.crt")), Files.readString(dir.resolve("ca/ca.key")));
        String nodeName = made.nodeName(made.desired().node(0));
        Path keyStore = dir.resolve("nodes/0/keystore.p12");
        Files.write(keyStore, ca.issueKeyStore(nodeName, List.of("localhost", nodeName), List.of("127.0.0.1"), Duration.ofDays(30),
                password.toCharArray()));
        Files.delete(dir.resolve("ca/keks-admin.p12"));

        KeksCli.Result old = KeksCli.run("up", "-d", "-f", plain.toString());
        assertThat(old.exitCode()).as(old.out() + old.err()).isZero();
        assertThat(Files.readString(dir.resolve("nodes/0/server.properties"))).contains("CONTROLPLANE-9090:PLAINTEXT");
        long pid = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(dir.resolve("nodes/0").toString()))
                .findFirst().orElseThrow().pid();

        KeksCli.Result refused = KeksCli.run("apply", "-f", secured.toString());
        assertThat(refused.exitCode()).as(refused.out()).isEqualTo(2);
        assertThat(refused.out() + refused.err()).contains("made by an earlier keks, runs them plaintext")
                .contains("`keks down`, then `keks up` with these manifests");
        assertThat(ProcessHandle.of(pid)).as("the node was not touched").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(Files.readString(dir.resolve("nodes/0/server.properties"))).contains("CONTROLPLANE-9090:PLAINTEXT")
                .doesNotContain("authorizer.class.name");

        assertThat(KeksCli.run("down").exitCode()).isZero();
        KeksCli.Result up = KeksCli.run("up", "-d", "-f", secured.toString());
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("kafkauser/writer ready");
        assertThat(Files.readString(dir.resolve("nodes/0/server.properties"))).contains("CONTROLPLANE-9090:SSL", "REPLICATION-9091:SSL");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, password.toCharArray());
        }
        X509Certificate served = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
        assertThat(served.getSubjectX500Principal().getName()).as("issued again for the super user every node is")
                .isEqualTo("CN=old-kafka,O=io.keks");
        KeksCli.Result produced = KeksCli.runWithInput("one\ntwo\n", "produce", "events", "--user", "writer");
        assertThat(produced.exitCode()).as(produced.out() + produced.err()).isZero();
        KeksCli.Result status = KeksCli.run("status");
        assertThat(status.out()).containsPattern("old\\s+True");
    }
}
