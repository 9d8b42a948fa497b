package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.keks.engine.ClusterMemory;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.MetricsSpec;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaClusterTemplate;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every Kubernetes object of one Kafka cluster, in the order they are applied: what pods need first
 * (identity, service account, services, secrets), then per node its ConfigMap, claims and Pod, then
 * the disruption budget and network policy. Pure: {@code keks render} prints them, the operator
 * applies them.
 */
public final class ClusterObjects {
    /** The ClusterRole (installed with the operator) that lets a broker's init container read its node's zone. */
    public static final String NODE_READER_ROLE = "keks-kafka-node-reader";
    /** Annotation of rendered Secrets: their values are made by the operator and never printed. */
    public static final String VALUES_OMITTED = "keks.io/values";

    private ClusterObjects() {
    }

    public static List<HasMetadata> render(Manifests manifests, DesiredCluster cluster, ClusterMemory memory,
                                           RenderOptions options) {
        KafkaNames names = KafkaNames.of(cluster);
        Kafka kafka = manifests.kafkas().stream().map(Sourced::resource)
                .filter(k -> k.getMetadata().getName().equals(cluster.name())).findFirst().orElseThrow();
        Map<String, KafkaNodePool> pools = new TreeMap<>();
        manifests.nodePools().forEach(p -> pools.put(p.resource().getMetadata().getName(), p.resource()));
        ClusterObjects.Parts parts = new ClusterObjects.Parts(cluster, names, options);
        NodeObjects nodes = new NodeObjects(cluster, names, memory, options);

        List<HasMetadata> out = new ArrayList<>();
        out.add(parts.identity(memory));
        out.add(new ServiceAccountBuilder().withMetadata(parts.meta(names.serviceAccount())).build());
        if (cluster.rackTopologyKey() != null) {
            out.add(parts.nodeReaderBinding());
        }
        out.add(parts.brokersService());
        out.add(parts.bootstrapService());
        KubernetesAddressing addressing = KubernetesAddressing.of(names, cluster, memory);
        if (addressing.tls() || addressing.internalTls()) {
            out.add(parts.secret(names.clusterCaCert(), List.of("ca.crt", "ca.p12", "ca.password")));
            out.add(parts.secret(names.clusterCaKey(), List.of("ca.key")));
        }
        if (addressing.clientsCa()) {
            out.add(parts.secret(names.clientsCaCert(), List.of("ca.crt", "ca.p12", "ca.password")));
            out.add(parts.secret(names.clientsCaKey(), List.of("ca.key")));
        }
        if (addressing.internalTls() && cluster.exporterSpec().isPresent()) {
            out.add(parts.secret(names.exporterCerts(), List.of(ExporterObjects.CLIENT_PROPERTIES)));
        }
        cluster.metricsSpec().filter(m -> m.agent() && m.rules() != null).ifPresent(m -> out.add(parts.metricsRules(m)));
        for (DesiredNode n : cluster.nodes()) {
            if (addressing.hasKeyStore(n)) {
                out.add(parts.nodeSecret(n));
            }
            out.add(nodes.configMap(n));
            out.addAll(nodes.claims(n));
            out.add(nodes.pod(n, PoolSettings.of(kafka, pools.get(n.pool()))));
        }
        KafkaClusterTemplate template = kafka.getSpec().getKafka().getTemplate();
        int maxUnavailable = template != null && template.getPodDisruptionBudget() != null
                ? template.getPodDisruptionBudget().getMaxUnavailable() : 1;
        out.add(parts.podDisruptionBudget(maxUnavailable));
        out.add(parts.networkPolicy());
        out.addAll(ExporterObjects.render(cluster, names, addressing.internalTls(), options));
        return out;
    }

    /** The cluster-wide objects, from the cluster's names. */
    private record Parts(DesiredCluster cluster, KafkaNames names, RenderOptions options) {

        ObjectMeta meta(String name) {
            ObjectMetaBuilder m = new ObjectMetaBuilder().withName(name).withNamespace(names.namespace())
                    .withLabels(new LinkedHashMap<>(names.clusterLabels()));
            options.owner().ifPresent(o -> m.withOwnerReferences(List.of(o)));
            return m.build();
        }

        HasMetadata identity(ClusterMemory memory) {
            return new ConfigMapBuilder().withMetadata(meta(names.identity())).withData(new LinkedHashMap<>(IdentityData.of(memory))).build();
        }

        /**
         * The rules every node's agent reads. Without the user's ConfigMap there are none to join, and the pods wait
         * for this one as they would for theirs; the operator writes it on its next pass after theirs appears.
         */
        HasMetadata metricsRules(MetricsSpec metrics) {
            return new ConfigMapBuilder().withMetadata(meta(names.metricsRules()))
                    .withData(Map.of(NodeObjects.METRICS_RULES_FILE, metrics.agentRules())).build();
        }

        /** Lets the service account of the Kafka pods read the nodes' labels (cluster-scoped, so not owned). */
        HasMetadata nodeReaderBinding() {
            return new ClusterRoleBindingBuilder().withNewMetadata()
                    .withName("keks-" + names.namespace() + "-" + cluster.name() + "-kafka-init")
                    .withLabels(new LinkedHashMap<>(names.clusterLabels())).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(NODE_READER_ROLE)
                    .endRoleRef()
                    .addNewSubject().withKind("ServiceAccount").withName(names.serviceAccount()).withNamespace(names.namespace())
                    .endSubject().build();
        }

        /** Headless, and publishing pods before they are ready: controllers find each other by these names to form the quorum. */
        HasMetadata brokersService() {
            List<ServicePort> ports = new ArrayList<>(List.of(port(ListenerSpec.CONTROLPLANE), port(ListenerSpec.REPLICATION)));
            cluster.listeners().forEach(l -> ports.add(port(l)));
            return new ServiceBuilder().withMetadata(meta(names.brokersService())).withNewSpec().withClusterIP("None")
                    .withPublishNotReadyAddresses(true).withSelector(names.podSelector()).withPorts(ports).endSpec().build();
        }

        HasMetadata bootstrapService() {
            Map<String, String> selector = new LinkedHashMap<>(names.podSelector());
            selector.put("strimzi.io/broker-role", "true");
            return new ServiceBuilder().withMetadata(meta(names.bootstrapService())).withNewSpec().withType("ClusterIP")
                    .withSelector(selector).withPorts(cluster.listeners().stream().map(Parts::port).toList()).endSpec().build();
        }

        static ServicePort port(ListenerSpec l) {
            return new ServicePortBuilder().withName(NodeObjects.portName(l)).withPort(l.port()).withProtocol("TCP")
                    .withTargetPort(new IntOrString(l.port())).build();
        }

        HasMetadata secret(String name, List<String> keys) {
            ObjectMeta m = meta(name);
            m.setAnnotations(Map.of(VALUES_OMITTED, "made by the operator"));
            Map<String, String> data = new LinkedHashMap<>();
            keys.forEach(k -> data.put(k, ""));
            return new SecretBuilder().withMetadata(m).withType("Opaque").withData(data).build();
        }

        HasMetadata nodeSecret(DesiredNode n) {
            HasMetadata s = secret(names.pod(n), List.of("keystore.p12", "keystore.password"));
            s.getMetadata().setLabels(new LinkedHashMap<>(names.nodeLabels(n)));
            return s;
        }

        HasMetadata podDisruptionBudget(int maxUnavailable) {
            return new PodDisruptionBudgetBuilder().withMetadata(meta(names.podDisruptionBudget())).withNewSpec()
                    .withMaxUnavailable(new IntOrString(maxUnavailable)).withNewSelector().withMatchLabels(names.podSelector())
                    .endSelector().endSpec().build();
        }

        /**
         * Controllers and brokers reach each other on the control plane and replication ports, and so
         * does the operator (it talks to Kafka through the Admin API); clients reach the listeners.
         */
        HasMetadata networkPolicy() {
            NetworkPolicyPeer kafkaPods = new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(names.podSelector())
                    .endPodSelector().build();
            NetworkPolicyPeer operator = new NetworkPolicyPeerBuilder().withNewPodSelector()
                    .withMatchLabels(Map.of("app.kubernetes.io/name", "keks-operator")).endPodSelector()
                    .withNewNamespaceSelector().endNamespaceSelector().build();
            NetworkPolicyPeer exporter = new NetworkPolicyPeerBuilder().withNewPodSelector()
                    .withMatchLabels(ExporterObjects.selector(names)).endPodSelector().build();
            List<NetworkPolicyIngressRule> rules = new ArrayList<>();
            rules.add(new NetworkPolicyIngressRuleBuilder().addNewPort().withPort(new IntOrString(ListenerSpec.CONTROLPLANE.port()))
                    .withProtocol("TCP").endPort().withFrom(kafkaPods, operator).build());
            List<NetworkPolicyPeer> replicationPeers = new ArrayList<>(List.of(kafkaPods, operator));
            if (cluster.exporterSpec().isPresent()) {
                replicationPeers.add(exporter);
            }
            rules.add(new NetworkPolicyIngressRuleBuilder().addNewPort().withPort(new IntOrString(ListenerSpec.REPLICATION.port()))
                    .withProtocol("TCP").endPort().withFrom(replicationPeers).build());

            for (ListenerSpec l : cluster.listeners()) {
                rules.add(new NetworkPolicyIngressRuleBuilder().addNewPort().withPort(new IntOrString(l.port())).withProtocol("TCP")
                        .endPort().build());
            }
            if (cluster.metricsSpec().isPresent()) {
                // Prometheus scrapes from its own namespace
                rules.add(new NetworkPolicyIngressRuleBuilder().addNewPort().withPort(new IntOrString(MetricsSpec.PORT))
                        .withProtocol("TCP").endPort().build());
            }
            return new NetworkPolicyBuilder().withMetadata(meta(names.networkPolicy())).withNewSpec().withNewPodSelector()
                    .withMatchLabels(names.podSelector()).endPodSelector().withPolicyTypes("Ingress").withIngress(rules).endSpec().build();
        }
    }
}
