package io.keks.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.manifest.ManifestParser;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The examples users start from must read into the cluster they describe. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    /** Nodes on one host, each node's ports 100 apart. */
    static final NodeAddressing LOCAL = new NodeAddressing() {
        public String host(DesiredNode node) { return "127.0.0.1"; }
        public int port(DesiredNode node, ListenerSpec l) { return l.port() + 100 * node.id(); }
        public List<String> volumeDirs(DesiredNode node) { return List.of("/d/" + node.id() + "/data-0"); }
        public java.util.Optional<KeyStoreFiles> keyStore(DesiredNode node) {
            return java.util.Optional.of(new KeyStoreFiles("/d/ks.p12", "pw"));
        }
    };

    static Manifests read(String... paths) throws IOException {
        Manifests all = Manifests.empty();
        for (String p : paths) {
            Path path = EXAMPLES.resolve(p);
            List<Path> files = Files.isDirectory(path)
                    ? Stream.of(path.toFile().listFiles()).map(java.io.File::toPath).sorted().toList() : List.of(path);
            for (Path f : files) {
                all = all.plus(ManifestParser.parse(f.toString(), Files.readString(f)));
            }
        }
        return all;
    }

    @Test
    void seedClusterHasThreeBrokersAndThreeControllersWithStrimziIds() throws IOException {
        var result = ClusterModel.build(read("kafka-manifests", "kafka-topics.yaml"), ClusterModel.Options.defaults());
        DesiredCluster c = result.cluster();
        assertThat(c.name()).isEqualTo("cluster");
        assertThat(c.version()).isEqualTo(KafkaVersion.BUNDLED);
        // Strimzi assigns ids pool by pool in name order: broker 0-2, controller 3-5 (the seed's pod names)
        assertThat(c.poolIds()).containsEntry("broker", List.of(0, 1, 2)).containsEntry("controller", List.of(3, 4, 5));
        assertThat(c.brokers()).extracting(DesiredNode::rack).containsExactly("zone-a", "zone-b", "zone-c");
        assertThat(c.listeners()).extracting(ListenerSpec::kafkaName).containsExactly("PLAIN-9092", "TLS-9093");
        assertThat(c.config()).containsEntry("min.insync.replicas", "2").containsEntry("default.replication.factor", "3");
        assertThat(c.topics()).singleElement().satisfies(t -> {
            assertThat(t.topicName()).isEqualTo("test-topic");
            assertThat(t.partitions()).hasValue(12);
            assertThat(t.replicas()).hasValue(3);
        });
        HeapSpec heap = c.node(0).heap();
        assertThat(heap.scaledDown()).isTrue();
        assertThat(heap.requested()).isEqualTo("-Xmx6g");
        assertThat(heap.xmx()).isEqualTo("512m");
        // scaled down to fit: it starts small, and Kafka's 128 MB cleaner map shrinks with it
        assertThat(heap.xms()).isEqualTo("16m");
        assertThat(heap.cleanerBufferBytes()).hasValue(16L << 20);
        assertThat(result.warnings()).noneMatch(Problem::isError);
    }

    @Test
    void aHeapTheManifestSizesKeepsItsStartAndKafkasCleanerMap() throws IOException {
        // the operator has no cap: the seed's pods get the -Xms4g it asks for
        DesiredCluster operator = ClusterModel.build(read("kafka-manifests"), new ClusterModel.Options(Map.of(), Long.MAX_VALUE)).cluster();
        assertThat(operator.node(0).heap()).satisfies(h -> {
            assertThat(h.xms()).isEqualTo("4g");
            assertThat(h.cleanerBufferBytes()).isEmpty();
        });
        // locally, a heap within the cap is the manifest's choice, not keks'
        String seed = Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"));
        String small = seed.replace("      -Xms: 4g\n      -Xmx: 6g\n", "      -Xms: 200m\n      -Xmx: 256m\n");
        assertThat(small).isNotEqualTo(seed);
        DesiredCluster local = ClusterModel.build(ManifestParser.parse("small.yaml", small), ClusterModel.Options.defaults()).cluster();
        assertThat(local.node(0).heap()).satisfies(h -> {
            assertThat(h.xms()).isEqualTo("200m");
            assertThat(h.xmx()).isEqualTo("256m");
            assertThat(h.cleanerBufferBytes()).isEmpty();
        });
        assertThat(ServerProperties.of(local, local.node(0), LOCAL)).doesNotContainKey("log.cleaner.dedupe.buffer.size");
        // and a cleaner map the config names wins over the one keks sizes
        String named = seed.replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n      log.cleaner.dedupe.buffer.size: 67108864\n");
        DesiredCluster configured = ClusterModel.build(ManifestParser.parse("named.yaml", named), ClusterModel.Options.defaults()).cluster();
        assertThat(ServerProperties.of(configured, configured.node(0), LOCAL)).containsEntry("log.cleaner.dedupe.buffer.size", "67108864");
    }

    @Test
    void nodesSharingOneMachineGetNetworkThreadsForItsCoresUnlessTheConfigNamesThem() throws IOException {
        var seed = read("kafka-manifests");
        for (int[] coresThreads : new int[][] {{1, 1}, {2, 1}, {4, 2}, {6, 3}, {64, 3}}) {
            DesiredCluster c = ClusterModel.build(seed, ClusterModel.Options.defaults().withSharedCores(coresThreads[0])).cluster();
            assertThat(c.nodes()).hasSize(6).allSatisfy(n -> assertThat(ServerProperties.of(c, n, LOCAL))
                    .as("node %d on %d cores", n.id(), coresThreads[0])
                    .containsEntry("num.network.threads", String.valueOf(coresThreads[1])));
        }
        // each pod has its own machine: Kafka's default
        DesiredCluster operator = ClusterModel.build(seed, new ClusterModel.Options(Map.of(), Long.MAX_VALUE)).cluster();
        assertThat(ServerProperties.of(operator, operator.node(0), LOCAL)).doesNotContainKey("num.network.threads");
        // the config's value wins
        String named = Files.readString(EXAMPLES.resolve("kafka-manifests/kafka-cluster.yaml"))
                .replace("      min.insync.replicas: 2\n", "      min.insync.replicas: 2\n      num.network.threads: 5\n");
        DesiredCluster configured = ClusterModel.build(ManifestParser.parse("named.yaml", named),
                ClusterModel.Options.defaults().withSharedCores(2)).cluster();
        assertThat(configured.config()).containsEntry("num.network.threads", "5");
        assertThat(ServerProperties.of(configured, configured.node(0), LOCAL)).containsEntry("num.network.threads", "5");
    }

    @Test
    void seedAtKafka39KeepsItsVersion() throws IOException {
        var result = ClusterModel.build(read("seed-3.9", "kafka-topics.yaml"), ClusterModel.Options.defaults());
        assertThat(result.cluster().version()).hasToString("3.9.0");
        assertThat(result.cluster().metadataVersion()).isEqualTo("3.9-IV0");
        // the seed's cruiseControl: {} turns keks' own rebalancing on, with nothing rebalanced by itself
        assertThat(result.warnings()).extracting(Problem::field).doesNotContain("spec.cruiseControl", "spec.kafkaExporter");
        assertThat(result.cluster().rebalanceSpec()).hasValue(new RebalanceSpec(Map.of(), 0, 0));
        assertThat(result.cluster().exporterSpec()).hasValue(new ExporterSpec(".*", null, ".*", null, true));
    }

    @Test
    void v1ManifestsDescribeTheSameCluster() throws IOException {
        var beta = ClusterModel.build(read("kafka-manifests", "kafka-topics.yaml"), ClusterModel.Options.defaults()).cluster();
        var v1 = ClusterModel.build(read("v1"), ClusterModel.Options.defaults()).cluster();
        assertThat(v1).isEqualTo(new DesiredCluster(beta.namespace(), beta.name(), beta.version(), beta.metadataVersion(),
                beta.listeners(), beta.config(), beta.nodes(), v1.topics(), beta.poolIds(), beta.rackTopologyKey(),
                beta.metrics(), beta.exporter(), beta.authorization(), beta.users(), beta.clusterCa(), beta.clientsCa(), beta.rebalance(), beta.rebalances(),
                beta.storageGrowth()));
        assertThat(v1.topics()).extracting(DesiredTopic::topicName).containsExactly("test-topic");
    }

    @Test
    void devClusterIsOneCombinedNode() throws IOException {
        DesiredCluster c = ClusterModel.build(read("dev"), ClusterModel.Options.defaults()).cluster();
        assertThat(c.nodes()).singleElement().satisfies(n -> assertThat(n.processRoles()).isEqualTo("controller,broker"));
    }

    @Test
    void serverPropertiesOfABrokerNameItsListenersRackAndQuorum() throws IOException {
        DesiredCluster c = ClusterModel.build(read("kafka-manifests"), ClusterModel.Options.defaults()).cluster();
        NodeAddressing local = LOCAL;
        Map<String, String> p = ServerProperties.of(c, c.node(1), local);
        assertThat(p).containsEntry("process.roles", "broker")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:9390,127.0.0.1:9490,127.0.0.1:9590")
                .containsEntry("listeners", "REPLICATION-9091://127.0.0.1:9191,PLAIN-9092://127.0.0.1:9192,TLS-9093://127.0.0.1:9193")
                .containsEntry("listener.name.tls-9093.ssl.keystore.location", "/d/ks.p12")
                .containsEntry("log.dirs", "/d/1/data-0/kafka-log1")
                .containsEntry("metadata.log.dir", "/d/1/data-0/kafka-log1")
                .containsEntry("broker.rack", "zone-b")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("log.cleaner.dedupe.buffer.size", String.valueOf(16 << 20));
        Map<String, String> controller = ServerProperties.of(c, c.node(3), local);
        assertThat(controller).containsEntry("process.roles", "controller")
                .containsEntry("listeners", "CONTROLPLANE-9090://127.0.0.1:9390")
                .doesNotContainKey("advertised.listeners").doesNotContainKey("broker.rack")
                .doesNotContainKey("log.cleaner.dedupe.buffer.size");
    }

    @Test
    void theSecuredExampleHasScramListenersAnAuthorizerAndThreeUsers() throws IOException {
        DesiredCluster c = ClusterModel.build(read("secure"), ClusterModel.Options.defaults()).cluster();
        assertThat(c.secured()).isTrue();
        assertThat(c.listeners()).extracting(ListenerSpec::securityProtocol).containsExactly("SASL_PLAINTEXT", "SASL_SSL", "SSL");
        assertThat(c.listeners().get(2).mutualTls()).isTrue();
        assertThat(c.needsClientsCa()).isTrue();
        assertThat(c.authorizationSpec()).hasValue(new AuthorizationSpec(List.of("admin")));
        assertThat(c.users()).extracting(DesiredUser::name).containsExactly("orders-app", "analytics", "throttled", "payments-app");
        assertThat(c.users().get(3).principal()).isEqualTo("User:CN=payments-app");
        DesiredUser orders = c.users().get(0);
        assertThat(orders.givenPassword()).isNull();
        assertThat(orders.acls()).containsExactly(
                new DesiredUser.Acl("topic", "orders", "literal", "allow", "*", List.of("Describe", "Read", "Write")),
                new DesiredUser.Acl("group", "orders-", "prefix", "allow", "*", List.of("Read")));
        DesiredUser analytics = c.users().get(1);
        assertThat(analytics.givenPassword().reveal()).isEqualTo("analytics-example-password-1");
        // a given password never shows when the user is printed or logged
        assertThat(analytics.toString()).doesNotContain("analytics-example-password-1");
        assertThat(c.users().get(2).quotas()).isEqualTo(new DesiredUser.Quotas(16384, null, null, null));

        NodeAddressing secured = new NodeAddressing() {
            public String host(DesiredNode n) {
                return "127.0.0.1";
            }

            public int port(DesiredNode n, ListenerSpec l) {
                return l.port() + 100 * n.id();
            }

            public List<String> volumeDirs(DesiredNode n) {
                return List.of("/data/" + n.id());
            }

            public java.util.Optional<KeyStoreFiles> keyStore(DesiredNode n) {
                return java.util.Optional.of(new KeyStoreFiles("/ks/" + n.id() + ".p12", "pw"));
            }

            public java.util.Optional<KeyStoreFiles> trustStore(DesiredNode n) {
                return java.util.Optional.of(new KeyStoreFiles("/ca/truststore.p12", "pw"));
            }

            public java.util.Optional<KeyStoreFiles> clientsTrustStore(DesiredNode n) {
                return java.util.Optional.of(new KeyStoreFiles("/ca/clients-truststore.p12", "pw"));
            }
        };
        var broker = ServerProperties.of(c, c.brokers().get(0), secured);
        assertThat(broker).containsEntry("listener.security.protocol.map",
                        "CONTROLPLANE-9090:SSL,REPLICATION-9091:SSL,SCRAM-9092:SASL_PLAINTEXT,SCRAMTLS-9093:SASL_SSL,MTLS-9094:SSL")
                .containsEntry("listener.name.mtls-9094.ssl.client.auth", "required")
                .containsEntry("listener.name.mtls-9094.ssl.truststore.location", "/ca/clients-truststore.p12")
                .containsEntry("listener.name.replication-9091.ssl.client.auth", "required")
                .containsEntry("listener.name.controlplane-9090.ssl.client.auth", "required")
                .containsEntry("listener.name.scram-9092.sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("super.users", "User:CN=secure-kafka,O=io.keks;User:CN=keks-admin,O=io.keks;User:admin");
        var controller = ServerProperties.of(c, c.controllers().get(0), secured);
        assertThat(controller).containsEntry("listener.name.controlplane-9090.ssl.client.auth", "required")
                .containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    }
}
