package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.keks.engine.ManifestFiles;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The development example (one pod with both roles) grown to three by the operator: the new pods join the quorum
 * as observers and become voters, as `keks apply` does locally, and what was written before is still there.
 */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class OperatorDevQuorumTest {
    static final String NS = "dev";
    static KubernetesClient client;
    static KubernetesMockServer server;
    static LocalPods cluster;

    @BeforeAll
    static void setUp() throws Exception {
        Path dev = Path.of(System.getProperty("keks.install.dir", ".."), "examples", "dev");
        cluster = new LocalPods(client, NS, ManifestFiles.read(List.of(dev)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aOnePodDevClusterGrowsToThreeVotingPodsAndKeepsItsRecords() throws Exception {
        cluster.reconcileUntilReady();
        var props = cluster.kubelet.cluster().connections().clientProperties(null);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic("before-growth", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        var producerProps = new java.util.Properties();
        producerProps.putAll(props);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                p.send(new ProducerRecord<>("before-growth", "r" + i)).get(30, TimeUnit.SECONDS);
            }
        }

        KafkaNodePool pool = cluster.client.resources(KafkaNodePool.class).inNamespace(NS).list().getItems().getFirst();
        assertThat(pool.getSpec().getReplicas()).isEqualTo(1);
        cluster.client.resources(KafkaNodePool.class).inNamespace(NS).withName(pool.getMetadata().getName()).edit(p -> {
            p.getSpec().setReplicas(3);
            return p;
        });
        cluster.syncLocal();
        KafkaStatuses.Outcome three = cluster.reconcileUntilReady();

        assertThat(three.condition("ControllerQuorum")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("VotersAsDesired");
            assertThat(c.getMessage()).startsWith("voters 0, 1, 2; active controller ");
        });
        assertThat(cluster.pool(pool.getMetadata().getName()).getStatus().getNodeIds()).containsExactly(0, 1, 2);
        try (Admin admin = Admin.create(props)) {
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters())
                    .extracting(QuorumInfo.ReplicaState::replicaId).containsExactlyInAnyOrder(0, 1, 2);
        }
        Set<String> read = new java.util.HashSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition("before-growth", 0), new TopicPartition("before-growth", 1),
                    new TopicPartition("before-growth", 2));
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < 300 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
        }
        assertThat(read).hasSize(300);
    }
}
