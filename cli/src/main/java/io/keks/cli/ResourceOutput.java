package io.keks.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keks.engine.NodePoolStatuses;
import io.keks.engine.rebalance.KafkaRebalanceStatuses;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.engine.topic.KafkaTopicStatuses;
import io.keks.engine.topic.TopicStatus;
import io.keks.engine.user.KafkaUserStatuses;
import io.keks.local.ClusterStatus;
import io.keks.local.LocalCluster;
import io.keks.local.LocalRebalances;
import io.keks.local.LocalUsers;
import io.keks.local.TopicStatuses;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaMetadataState;
import io.strimzi.api.kafka.model.kafka.KafkaStatus;
import io.strimzi.api.kafka.model.kafka.UsedNodePoolStatus;
import io.strimzi.api.kafka.model.kafka.listener.ListenerAddress;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code keks get KIND -o json|yaml}: the resources as the Kubernetes API would serve them to kubectl,
 * the manifests last applied (apiVersion, kind, metadata, spec) each with the status the keks operator
 * would write, built by the same engine code; several in a {@code List} with {@code items}.
 */
final class ResourceOutput {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private ResourceOutput() {
    }

    /** What kubectl prints for one resource asked for by name, or a List of them. */
    static String format(List<ObjectNode> items, boolean single, String output) throws IOException {
        JsonNode doc;
        if (single) {
            doc = items.get(0);
        } else {
            ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1");
            list.putArray("items").addAll(items);
            list.put("kind", "List");
            list.putObject("metadata").put("resourceVersion", "");
            doc = list;
        }
        return output.equals("yaml") ? YAML.writeValueAsString(doc) : JSON.writeValueAsString(doc) + "\n";
    }

    static List<ObjectNode> kafkas(LocalCluster c, ClusterStatus s) {
        List<ObjectNode> items = new ArrayList<>();
        for (Sourced<Kafka> k : c.storedManifests().kafkas()) {
            KafkaStatus status = new KafkaStatus();
            status.setConditions(s.conditions().stream().map(x -> condition(x.type(), x.status(), x.reason(), x.message(), null)).toList());
            status.setClusterId(s.clusterId());
            status.setKafkaVersion(s.kafkaVersion());
            status.setKafkaMetadataState(KafkaMetadataState.KRaft);
            status.setListeners(s.listeners().stream().map(ResourceOutput::listener).toList());
            status.setKafkaNodePools(c.desired().poolIds().keySet().stream().map(p -> {
                UsedNodePoolStatus u = new UsedNodePoolStatus();
                u.setName(p);
                return u;
            }).toList());
            status.setObservedGeneration(generation(k.resource().getMetadata().getGeneration()));
            items.add(withStatus(c, k, status));
        }
        return items;
    }

    static List<ObjectNode> nodePools(LocalCluster c) {
        List<ObjectNode> items = new ArrayList<>();
        for (Sourced<KafkaNodePool> p : c.storedManifests().nodePools()) {
            String name = p.resource().getMetadata().getName();
            items.add(withStatus(c, p, NodePoolStatuses.of(c.desired(), name, c.state().memory().clusterId(),
                    generation(p.resource().getMetadata().getGeneration()))));
        }
        return items;
    }

    static List<ObjectNode> topics(LocalCluster c) {
        TopicStatuses statuses = TopicStatuses.read(c.dir());
        Instant at = Instant.ofEpochMilli(statuses.at());
        List<ObjectNode> items = new ArrayList<>();
        for (Sourced<KafkaTopic> t : c.storedManifests().topics()) {
            TopicStatus s = statuses.byResource().get(t.resource().getMetadata().getName());
            // a KafkaTopic no reconciliation has reached yet carries no status, as on Kubernetes
            items.add(s == null ? withStatus(c, t, null)
                    : withStatus(c, t, KafkaTopicStatuses.status(t.resource(), s, KafkaTopicStatuses.conditionFor(t.resource(), s, at))));
        }
        return items;
    }

    static List<ObjectNode> users(LocalCluster c) {
        Map<String, LocalUsers.UserStatus> statuses = LocalUsers.statuses(c.dir());
        Instant at = LocalUsers.statusesWritten(c.dir());
        List<ObjectNode> items = new ArrayList<>();
        for (Sourced<KafkaUser> u : c.storedManifests().users()) {
            LocalUsers.UserStatus s = statuses.get(u.resource().getMetadata().getName());
            items.add(s == null ? withStatus(c, u, null) : withStatus(c, u, KafkaUserStatuses.of(u.resource(), s.username(),
                    s.authentication(), s.ready() ? null : s.reason(), s.ready() ? null : s.message(), at)));
        }
        return items;
    }

    /** The KafkaRebalances as applied, each with the status its last step left (none before the first). */
    static List<ObjectNode> rebalances(LocalCluster c) throws IOException {
        Map<String, RebalanceState> states = LocalRebalances.all(c.dir());
        List<ObjectNode> items = new ArrayList<>();
        for (Sourced<KafkaRebalance> r : c.storedManifests().rebalances()) {
            RebalanceState s = states.get(r.resource().getMetadata().getName());
            items.add(withStatus(c, r, s == null ? null : KafkaRebalanceStatuses.of(r.resource(), s)));
        }
        return items;
    }

    /** The manifest as it was applied, in the cluster's namespace, with {@code status} (none when null). */
    private static ObjectNode withStatus(LocalCluster c, Sourced<?> resource, Object status) {
        ObjectNode item = resource.document().tree().deepCopy();
        if (item.path("metadata") instanceof ObjectNode meta && !meta.hasNonNull("namespace")) {
            meta.put("namespace", c.desired().namespace());
        }
        if (status != null) {
            item.set("status", JSON.valueToTree(status));
        }
        return item;
    }

    private static ListenerStatus listener(ClusterStatus.Listener l) {
        ListenerStatus ls = new ListenerStatus();
        ls.setName(l.name());
        ls.setAddresses(Arrays.stream(l.bootstrap().split(",")).map(hostPort -> {
            ListenerAddress a = new ListenerAddress();
            int colon = hostPort.lastIndexOf(':');
            a.setHost(hostPort.substring(0, colon));
            a.setPort(Integer.parseInt(hostPort.substring(colon + 1)));
            return a;
        }).toList());
        return ls;
    }

    private static Condition condition(String type, String status, String reason, String message, String since) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(blankToNull(reason))
                .withMessage(blankToNull(message)).withLastTransitionTime(since).build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static long generation(Long g) {
        return Optional.ofNullable(g).orElse(0L);
    }
}
