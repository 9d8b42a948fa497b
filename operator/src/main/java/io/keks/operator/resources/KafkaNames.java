package io.keks.operator.resources;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.VolumeSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and labels of a cluster's Kubernetes objects, as the Strimzi operator gives them, so that
 * what users already select on (dashboards, policies, the seed's affinity rules) keeps working.
 */
public record KafkaNames(String namespace, String cluster) {

    public static KafkaNames of(DesiredCluster c) {
        return new KafkaNames(c.namespace() == null ? "default" : c.namespace(), c.name());
    }

    /** A node's pod, and its ConfigMap and Secret: {@code <cluster>-<pool>-<id>}. */
    public String pod(DesiredNode node) {
        return cluster + "-" + node.pool() + "-" + node.id();
    }

    /** The claim of one of a node's volumes: {@code data-<volume id>-<pod>}, as Strimzi names JBOD claims. */
    public String claim(DesiredNode node, VolumeSpec volume) {
        return "data-" + volume.id() + "-" + pod(node);
    }

    /** The Service clients bootstrap from. */
    public String bootstrapService() {
        return cluster + "-kafka-bootstrap";
    }

    /** The headless Service that gives every pod its DNS name. */
    public String brokersService() {
        return cluster + "-kafka-brokers";
    }

    public String serviceAccount() {
        return cluster + "-kafka";
    }

    public String podDisruptionBudget() {
        return cluster + "-kafka";
    }

    /** The exporter rules each node's agent reads: the rules of the ConfigMap metricsConfig names, with keks' own after them. */
    public String metricsRules() {
        return cluster + "-kafka-metrics-rules";
    }

    public String networkPolicy() {
        return cluster + "-network-policy-kafka";
    }

    /** The cluster CA's certificate (public), as Strimzi names it. */
    public String clusterCaCert() {
        return cluster + "-cluster-ca-cert";
    }

    /** The cluster CA's private key. */
    public String clusterCaKey() {
        return cluster + "-cluster-ca";
    }

    /** The clients CA's certificate (public), as Strimzi names it: brokers trust it on listeners with authentication tls. */
    public String clientsCaCert() {
        return cluster + "-clients-ca-cert";
    }

    /** The clients CA's private key, which signs TLS KafkaUsers' certificates. */
    public String clientsCaKey() {
        return cluster + "-clients-ca";
    }

    /** The consumer-lag exporter's client certificate, in a secured cluster. */
    public String exporterCerts() {
        return cluster + "-kafka-exporter-certs";
    }

    /** What keks must keep about the cluster: its id and the directory ids its controllers were formatted with. */
    public String identity() {
        return cluster + "-kafka-identity";
    }

    /** The DNS name of a node's pod: {@code <pod>.<cluster>-kafka-brokers.<namespace>.svc}. */
    public String host(DesiredNode node) {
        return pod(node) + "." + brokersService() + "." + namespace + ".svc";
    }

    /** Labels on every object of the cluster's Kafka nodes. */
    public Map<String, String> clusterLabels() {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("app.kubernetes.io/name", "kafka");
        l.put("app.kubernetes.io/instance", cluster);
        l.put("app.kubernetes.io/part-of", "strimzi-" + cluster);
        l.put("app.kubernetes.io/managed-by", "keks");
        l.put("strimzi.io/cluster", cluster);
        l.put("strimzi.io/kind", "Kafka");
        l.put("strimzi.io/name", cluster + "-kafka");
        l.put("strimzi.io/component-type", "kafka");
        return l;
    }

    /** The labels that select the cluster's Kafka pods. */
    public Map<String, String> podSelector() {
        return Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka", "strimzi.io/name", cluster + "-kafka");
    }

    /** Labels on a node's objects: the cluster's, its pool, its roles and its pod name. */
    public Map<String, String> nodeLabels(DesiredNode node) {
        Map<String, String> l = clusterLabels();
        l.put("strimzi.io/pool-name", node.pool());
        l.put("strimzi.io/broker-role", String.valueOf(node.isBroker()));
        l.put("strimzi.io/controller-role", String.valueOf(node.isController()));
        l.put("statefulset.kubernetes.io/pod-name", pod(node));
        return l;
    }
}
