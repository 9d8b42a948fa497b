package io.keks.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole cluster the manifests describe: the pure result of reading them.
 *
 * @param config          spec.kafka.config with values as Kafka reads them, keys keks manages removed
 * @param poolIds         node ids per pool, in pool order
 * @param rackTopologyKey the node label whose value is a broker's rack on Kubernetes ({@code spec.kafka.rack.topologyKey});
 *                        null when the cluster is not rack-aware
 * @param metrics         each node's metrics endpoint; null when spec.kafka.metricsConfig asks for none
 * @param exporter        the consumer-lag exporter; null when spec.kafkaExporter asks for none
 * @param storageGrowth   per pool, how its volumes grow before they fill, for the pools whose annotations ask for it
 */
public record DesiredCluster(String namespace, String name, KafkaVersion version, String metadataVersion,
                             List<ListenerSpec> listeners, Map<String, String> config, List<DesiredNode> nodes,
                             List<DesiredTopic> topics, Map<String, List<Integer>> poolIds, String rackTopologyKey,
                             MetricsSpec metrics, ExporterSpec exporter, AuthorizationSpec authorization,
                             List<DesiredUser> users, CaSpec clusterCa, CaSpec clientsCa, RebalanceSpec rebalance,
                             List<DesiredRebalance> rebalances, Map<String, StorageGrowth> storageGrowth) {

    public List<DesiredNode> brokers() {
        return nodes.stream().filter(DesiredNode::isBroker).toList();
    }

    public List<DesiredNode> controllers() {
        return nodes.stream().filter(DesiredNode::isController).toList();
    }

    /**
     * The listeners node {@code node} binds: a controller the control plane, a broker the replication
     * listener and every listener of the manifests.
     */
    public List<ListenerSpec> listenersOf(DesiredNode node) {
        List<ListenerSpec> ls = new ArrayList<>();
        if (node.isController()) {
            ls.add(ListenerSpec.CONTROLPLANE);
        }
        if (node.isBroker()) {
            ls.add(ListenerSpec.REPLICATION);
            ls.addAll(listeners);
        }
        return ls;
    }

    /** Whether the two differ in anything but their topics, users and rebalances: the Kafka, its nodes and pools, config, listeners. */
    public boolean sameClusterAs(DesiredCluster other) {
        return new DesiredCluster(namespace, name, version, metadataVersion, listeners, config, nodes, List.of(), poolIds,
                rackTopologyKey, metrics, exporter, authorization, List.of(), clusterCa, clientsCa, rebalance, List.of(), storageGrowth)
                .equals(new DesiredCluster(other.namespace, other.name, other.version, other.metadataVersion, other.listeners,
                        other.config, other.nodes, List.of(), other.poolIds, other.rackTopologyKey, other.metrics,
                        other.exporter, other.authorization, List.of(), other.clusterCa, other.clientsCa, other.rebalance, List.of(),
                        other.storageGrowth));
    }

    /** spec.cruiseControl: empty when rebalancing is off. */
    public Optional<RebalanceSpec> rebalanceSpec() {
        return Optional.ofNullable(rebalance);
    }

    public Optional<MetricsSpec> metricsSpec() {
        return Optional.ofNullable(metrics);
    }

    public Optional<AuthorizationSpec> authorizationSpec() {
        return Optional.ofNullable(authorization);
    }

    /**
     * Whether Kafka checks who its clients are: an authorizer, or a listener with authentication.
     * Then the internal listeners run mutual TLS too, and the nodes and keks are super users by
     * their certificates, so that no one reaches around the authorizer through port 9090 or 9091.
     */
    public boolean secured() {
        return authorization != null || listeners.stream().anyMatch(l -> l.authentication() != null);
    }

    /** Whether a clients CA is needed: a listener with authentication tls, or a KafkaUser with it. */
    public boolean needsClientsCa() {
        return listeners.stream().anyMatch(ListenerSpec::mutualTls)
                || users.stream().anyMatch(u -> DesiredUser.TLS.equals(u.authentication()));
    }

    public Optional<ExporterSpec> exporterSpec() {
        return Optional.ofNullable(exporter);
    }

    public DesiredNode node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in cluster " + name));
    }
}
