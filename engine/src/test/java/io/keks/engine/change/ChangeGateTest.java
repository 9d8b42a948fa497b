package io.keks.engine.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.CaSpec;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.KafkaVersion;
import io.keks.model.ListenerSpec;
import io.keks.model.Role;
import io.keks.model.VolumeSpec;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The change gate's rules, the same on every runtime. Kafka that does not answer is a real Admin client
 * whose bootstrap address has no listener behind it.
 */
class ChangeGateTest {
    static final KafkaVersion V44 = KafkaVersion.parse("4.4.0").orElseThrow();
    static final ListenerSpec PLAIN = new ListenerSpec("plain", 9092, "internal", false, null);
    static final ListenerSpec SCRAM = new ListenerSpec("scram", 9094, "internal", false, "scram-sha-512");

    static DesiredNode node(int id, Role role) {
        return new DesiredNode(id, role == Role.BROKER ? "broker" : "controller", Set.of(role), null, List.of(), null);
    }

    static DesiredCluster cluster(int brokers, Map<String, String> config, ListenerSpec listener) {
        List<DesiredNode> nodes = new ArrayList<>();
        for (int i = 0; i < brokers; i++) {
            nodes.add(node(i, Role.BROKER));
        }
        for (int i = 3; i < 6; i++) {
            nodes.add(node(i, Role.CONTROLLER));
        }
        Map<String, List<Integer>> pools = Map.of(
                "broker", nodes.stream().filter(DesiredNode::isBroker).map(DesiredNode::id).toList(),
                "controller", List.of(3, 4, 5));
        return new DesiredCluster("kafka", "cluster", V44, null, List.of(listener), config, nodes, List.of(), pools, null, null,
                null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    static final DesiredCluster SEED = cluster(3, Map.of("min.insync.replicas", "2"), PLAIN);

    static ChangeGate.Facts facts(DesiredCluster last, DesiredCluster wanted, boolean running, boolean internalTlsAlways) {
        return new ChangeGate.Facts(last, wanted, running, last.nodes().stream().map(DesiredNode::id).collect(Collectors.toSet()),
                internalTlsAlways, V44, v -> {
                    throw new AssertionError("no version changes here");
                });
    }

    /** An Admin client to a port nothing listens on, counting how often the gate asked for one. */
    static Callable<Admin> unreachable(AtomicInteger opened) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        return () -> {
            opened.incrementAndGet();
            return Admin.create(p);
        };
    }

    @Test
    void whenKafkaDoesNotAnswerAChangeOfConfigOnlyGoesAheadWithoutAskingIt() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        DesiredCluster wanted = cluster(3, Map.of("min.insync.replicas", "2", "auto.create.topics.enable", "false"), PLAIN);
        assertThat(ChangeGate.refusals(facts(SEED, wanted, true, true), unreachable(opened))).isEmpty();
        assertThat(opened).as("Kafka is asked only when the change needs it").hasValue(0);
    }

    @Test
    void whenKafkaDoesNotAnswerFewerBrokersOrAnotherMinIsrIsRefusedAsUncheckable() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        List<String> fewer = ChangeGate.refusals(facts(SEED, cluster(2, Map.of("min.insync.replicas", "2"), PLAIN), true, true),
                unreachable(opened));
        assertThat(fewer).singleElement().asString().contains("leaves fewer brokers", "Kafka did not answer", "nothing was changed");
        List<String> minIsr = ChangeGate.refusals(facts(SEED, cluster(3, Map.of("min.insync.replicas", "1"), PLAIN), true, true),
                unreachable(opened));
        assertThat(minIsr).singleElement().asString().contains("sets another cluster-wide min.insync.replicas", "Kafka did not answer");
        assertThat(opened).hasValue(2);
    }

    @Test
    void aStoppedClusterIsJudgedByItsManifestsAlone() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        assertThat(ChangeGate.refusals(facts(SEED, cluster(3, Map.of("min.insync.replicas", "1"), PLAIN), false, true),
                unreachable(opened))).isEmpty();
        // but nodes cannot leave a stopped cluster: their replicas can only move while it runs
        assertThat(ChangeGate.refusals(facts(SEED, cluster(2, Map.of("min.insync.replicas", "2"), PLAIN), false, true),
                unreachable(opened))).singleElement().asString().contains("would remove nodes [2] while the cluster is stopped");
        assertThat(opened).hasValue(0);
    }

    @Test
    void aRemovedVolumeIsCheckedWithKafkaAndRefusedWhileTheClusterIsStoppedOrDoesNotAnswer() throws Exception {
        VolumeSpec first = new VolumeSpec(0, "persistent-claim", 1L << 30, "1Gi", null, false, true);
        VolumeSpec second = new VolumeSpec(1, "persistent-claim", 1L << 30, "1Gi", null, false, false);
        DesiredCluster twoVolumes = withBrokerVolumes(SEED, List.of(first, second));
        DesiredCluster oneVolume = withBrokerVolumes(SEED, List.of(first));
        AtomicInteger opened = new AtomicInteger();
        assertThat(ChangeGate.refusals(facts(twoVolumes, oneVolume, false, true), unreachable(opened))).singleElement().asString()
                .contains("would remove volumes {0=[1], 1=[1], 2=[1]} (node: volume ids) while the cluster is stopped");
        assertThat(opened).hasValue(0);
        assertThat(ChangeGate.refusals(facts(twoVolumes, oneVolume, true, true), unreachable(opened))).singleElement().asString()
                .contains("the change removes volumes, which can only be checked", "Kafka did not answer");
        assertThat(opened).hasValue(1);
    }

    static DesiredCluster withBrokerVolumes(DesiredCluster c, List<VolumeSpec> volumes) {
        List<DesiredNode> nodes = c.nodes().stream().map(n -> n.isBroker()
                ? new DesiredNode(n.id(), n.pool(), n.roles(), null, volumes, null) : n).toList();
        return new DesiredCluster("kafka", "cluster", V44, null, c.listeners(), c.config(), nodes, List.of(), c.poolIds(), null, null,
                null, null, List.of(), CaSpec.DEFAULTS, CaSpec.DEFAULTS, null, List.of(), Map.of());
    }

    @Test
    void securityComesAndGoesOnlyWhereTheInternalListenersAlwaysRunMutualTls() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        DesiredCluster secured = cluster(3, Map.of("min.insync.replicas", "2"), SCRAM);
        // a cluster made by an earlier keks: plaintext inside unless secured, both ways refused while it runs
        assertThat(ChangeGate.refusals(facts(SEED, secured, true, false), unreachable(opened))).singleElement().asString()
                .contains("add authentication or authorization", "made by an earlier keks, runs them plaintext",
                        "would split the running quorum");
        assertThat(ChangeGate.refusals(facts(secured, SEED, true, false), unreachable(opened))).singleElement().asString()
                .contains("remove authentication or authorization");
        // stopped, or made since mutual TLS inside is the default: allowed
        assertThat(ChangeGate.refusals(facts(SEED, secured, false, false), unreachable(opened))).isEmpty();
        assertThat(ChangeGate.refusals(facts(SEED, secured, true, true), unreachable(opened))).isEmpty();
        assertThat(ChangeGate.refusals(facts(secured, SEED, true, true), unreachable(opened))).isEmpty();
    }

    @Test
    void aRefusalByTheManifestsIsGivenWithoutAskingKafka() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        DesiredCluster noBrokers = cluster(0, Map.of("min.insync.replicas", "2"), PLAIN);
        assertThat(ChangeGate.refusals(facts(SEED, noBrokers, true, true), unreachable(opened)))
                .anySatisfy(r -> assertThat(r).contains("no node pool with the broker role would be left"))
                .noneSatisfy(r -> assertThat(r).contains("Kafka did not answer"));
        assertThat(opened).hasValue(0);
    }
}
