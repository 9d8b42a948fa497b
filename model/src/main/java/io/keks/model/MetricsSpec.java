package io.keks.model;

/**
 * What {@code spec.kafka.metricsConfig} asks for: each node serves Prometheus metrics through the JMX
 * Prometheus exporter java agent, with the rules held under {@code key} of ConfigMap {@code configMap}.
 *
 * @param rules the rules text when the ConfigMap came with the manifests (always, locally); null when
 *              it lives only in Kubernetes, where the pods mount it
 */
public record MetricsSpec(String configMap, String key, String rules) {
    /** The port a node's metrics endpoint listens on (Strimzi's, so PodMonitors and dashboards carry over). */
    public static final int PORT = 9404;
    /** The name of that port on a pod. */
    public static final String PORT_NAME = "tcp-prometheus";
}
