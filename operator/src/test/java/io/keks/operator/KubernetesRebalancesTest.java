package io.keks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.keks.engine.rebalance.RebalanceState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A rebalance's state and proposal as the operator keeps them in ConfigMaps, at sizes one ConfigMap cannot hold. */
@EnableKubernetesMockClient(crud = true, kubernetesClientBuilderCustomizer = ApiServerRules.class)
@ExtendWith(ApiServerRules.class)
class KubernetesRebalancesTest {
    static final int LIMIT = 1 << 20;
    KubernetesClient client;

    static List<RebalanceState.Move> proposal(int moves, long seed) {
        Random random = new Random(seed);
        List<RebalanceState.Move> out = new ArrayList<>(moves);
        for (int i = 0; i < moves; i++) {
            List<Integer> replicas = random.ints(0, 200).distinct().limit(3).boxed().toList();
            out.add(new RebalanceState.Move("orders-" + (i / 50), i % 50, replicas, random.nextLong(1L << 30)));
        }
        return out;
    }

    static RebalanceState state(String name, List<RebalanceState.Move> proposal) {
        return new RebalanceState(name, "", "session-1", Map.of("numReplicaMovements", proposal.size()), proposal, Map.of(), null,
                "2026-12-04T00:00:00Z");
    }

    int size(ConfigMap map) throws IOException {
        return new ObjectMapper().writeValueAsBytes(map).length;
    }

    ConfigMap map(String name) {
        return client.configMaps().inNamespace("kafka").withName(name).get();
    }

    @Test
    void aProposalOfTwoHundredThousandPartitionsIsKeptInConfigMapsOfUnderOneMebibyteAndReadBackWhole() throws Exception {
        KubernetesRebalances store = new KubernetesRebalances(client, "kafka", "cluster");
        List<RebalanceState.Move> big = proposal(200_000, 1);
        store.save("big", state(RebalanceState.PROPOSAL_READY, big));

        assertThat(store.load("big")).hasValueSatisfying(s -> {
            assertThat(s.proposal()).isEqualTo(big);
            assertThat(s.state()).isEqualTo(RebalanceState.PROPOSAL_READY);
        });
        assertThat(map(ProposalParts.partName("big", 1))).as("the proposal needs more than one ConfigMap").isNotNull();
        List<ConfigMap> maps = client.configMaps().inNamespace("kafka").list().getItems();
        for (ConfigMap m : maps) {
            assertThat(size(m)).as(m.getMetadata().getName()).isLessThan(LIMIT);
        }

        String partVersion = map(ProposalParts.partName("big", 1)).getMetadata().getResourceVersion();
        store.save("big", state(RebalanceState.REBALANCING, big));
        assertThat(map(ProposalParts.partName("big", 1)).getMetadata().getResourceVersion())
                .as("a new state with the same proposal does not write the proposal again").isEqualTo(partVersion);
        assertThat(store.load("big")).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(RebalanceState.REBALANCING));

        List<RebalanceState.Move> small = proposal(10, 2);
        store.save("big", state(RebalanceState.PROPOSAL_READY, small));
        assertThat(map(ProposalParts.partName("big", 1))).as("the parts of the longer proposal are gone").isNull();
        assertThat(store.load("big")).hasValueSatisfying(s -> assertThat(s.proposal()).isEqualTo(small));
    }

    @Test
    void aLostPartIsFoundAndNamedRatherThanAShorterProposalCarriedOut() throws Exception {
        KubernetesRebalances store = new KubernetesRebalances(client, "kafka", "cluster");
        store.save("lossy", state(RebalanceState.PROPOSAL_READY, proposal(200_000, 3)));
        client.configMaps().inNamespace("kafka").withName(ProposalParts.partName("lossy", 1)).delete();
        assertThat(store.load("lossy")).hasValueSatisfying(s -> {
            assertThat(s.state()).isEqualTo(RebalanceState.NOT_READY);
            assertThat(s.proposal()).isEmpty();
            assertThat(s.reason()).contains("the proposal of KafkaRebalance lossy cannot be read",
                    "annotate it strimzi.io/rebalance=refresh");
        });
    }

    @Test
    void aStateWrittenByAnEarlierKeksWithItsProposalInsideIsReadAsBefore() throws Exception {
        List<RebalanceState.Move> moves = proposal(5, 4);
        client.configMaps().inNamespace("kafka").resource(new ConfigMapBuilder().withNewMetadata().withName("earlier").endMetadata()
                .withData(Map.of(KubernetesRebalances.STATE_KEY, new ObjectMapper().writeValueAsString(state(RebalanceState.PROPOSAL_READY,
                        moves)))).build()).create();
        assertThat(new KubernetesRebalances(client, "kafka", "cluster").load("earlier"))
                .hasValueSatisfying(s -> assertThat(s.proposal()).isEqualTo(moves));
    }
}
