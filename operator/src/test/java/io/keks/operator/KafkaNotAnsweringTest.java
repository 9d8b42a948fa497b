package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.Manifests;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's side of the change gate's one policy when Kafka does not answer (the local side is in
 * the cli's ResumeTest): a change whose safety depends on what Kafka holds is refused and the cluster
 * runs as last applied; any other change is made. Kafka here is an address nothing listens on.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KafkaNotAnsweringTest {
    static final String NS = "kafka";
    static final Path EXAMPLES = Path.of(System.getProperty("keks.install.dir", ".."), "examples");
    KubernetesClient client;

    String applied() {
        ConfigMap identity = client.configMaps().inNamespace(NS).withName("cluster-kafka-identity").get();
        return identity.getData().get(io.keks.operator.resources.IdentityData.APPLIED);
    }

    /** One pass, with the statuses written as KafkaController writes them (a pool's status holds its node ids). */
    KafkaStatuses.Outcome reconcile(KafkaReconciliation reconcile) {
        Kafka kafka = client.resources(Kafka.class).inNamespace(NS).withName("cluster").get();
        KafkaStatuses.Outcome outcome = reconcile.reconcile(kafka);
        KafkaStatuses.writePools(client, NS, outcome);
        kafka.setStatus(outcome.kafka());
        client.resources(Kafka.class).inNamespace(NS).resource(kafka).updateStatus();
        return outcome;
    }

    static List<Condition> refusals(KafkaStatuses.Outcome o) {
        return o.kafka().getConditions().stream().filter(c -> "UnsafeChangeRefused".equals(c.getReason())).toList();
    }

    @Test
    void aChangeOnlyKafkaCanCheckIsRefusedAndAnyOtherIsMade() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;
        KafkaAccess nobody = cluster -> {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            return p;
        };
        KafkaReconciliation reconcile = new KafkaReconciliation(client, nobody, KafkaReconciliation.Settings.defaults());
        Manifests seed = ManifestFiles.read(List.of(EXAMPLES.resolve("kafka-manifests")));
        seed.kafkas().forEach(k -> client.resources(Kafka.class).inNamespace(NS).resource(k.resource()).create());
        seed.nodePools().forEach(p -> client.resources(KafkaNodePool.class).inNamespace(NS).resource(p.resource()).create());
        seed.configMaps().forEach(c -> client.configMaps().inNamespace(NS).resource(c.resource()).create());

        KafkaStatuses.Outcome created = reconcile(reconcile);
        assertThat(created.condition("Ready").orElseThrow().getReason()).isEqualTo("Creating");
        assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(6);

        // a change of config only: made, though Kafka cannot be asked anything
        client.resources(Kafka.class).inNamespace(NS).withName("cluster").edit(k -> {
            k.getSpec().getKafka().getConfig().put("auto.create.topics.enable", false);
            return k;
        });
        KafkaStatuses.Outcome config = reconcile(reconcile);
        assertThat(refusals(config)).isEmpty();
        assertThat(applied()).contains("auto.create.topics.enable");
        assertThat(config.condition("Ready").orElseThrow().getReason()).isEqualTo("KafkaNotAnswering");

        // fewer brokers: only Kafka knows whether its topics' replicas still fit; refused, and the cluster runs as last applied
        String before = applied();
        client.resources(Kafka.class).inNamespace(NS).withName("cluster").edit(k -> {
            for (String factor : List.of("default.replication.factor", "offsets.topic.replication.factor",
                    "transaction.state.log.replication.factor")) {
                k.getSpec().getKafka().getConfig().put(factor, 2);
            }
            return k;
        });
        client.resources(KafkaNodePool.class).inNamespace(NS).withName("broker").edit(p -> {
            p.getSpec().setReplicas(2);
            return p;
        });
        KafkaStatuses.Outcome fewer = reconcile(reconcile);
        assertThat(refusals(fewer)).as(fewer.kafka().getConditions().toString()).singleElement().satisfies(c -> assertThat(c.getMessage())
                .contains("the cluster runs as last applied", "leaves fewer brokers", "Kafka did not answer"));
        assertThat(applied()).isEqualTo(before);
        assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(6);
    }
}
