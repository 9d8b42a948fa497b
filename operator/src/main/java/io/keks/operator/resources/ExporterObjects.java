package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.keks.model.DesiredCluster;
import io.keks.model.ExporterSpec;
import io.keks.model.ListenerSpec;
import io.keks.model.MetricsSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The consumer-lag exporter of {@code spec.kafkaExporter}: a Deployment of one pod running the
 * operator's image ({@code keks-operator exporter}), reaching the brokers' replication listener as
 * the operator does, and its Service. It serves on 9404, port {@code tcp-prometheus}, as Kafka's pods
 * do, so one PodMonitor finds both.
 */
public final class ExporterObjects {
    /** The key of the exporter's Secret when the internal listeners run mutual TLS: Kafka client properties, PEM inline. */
    public static final String CLIENT_PROPERTIES = "client.properties";
    static final String CONFIG_DIR = "/opt/keks/exporter-config";

    private ExporterObjects() {
    }

    /** The name of the exporter's Deployment and Service. */
    public static String name(KafkaNames names) {
        return names.cluster() + "-kafka-exporter";
    }

    /** The labels that select the exporter's pod (the network policy lets it reach the brokers). */
    static Map<String, String> selector(KafkaNames names) {
        return Map.of("strimzi.io/cluster", names.cluster(), "strimzi.io/kind", "Kafka", "strimzi.io/name", name(names));
    }

    /** @param internalTls the replication listener runs mutual TLS: the exporter reads its certificate from its Secret */
    static List<HasMetadata> render(DesiredCluster cluster, KafkaNames names, boolean internalTls, RenderOptions options) {
        if (cluster.exporterSpec().isEmpty()) {
            return List.of();
        }
        ExporterSpec spec = cluster.exporterSpec().get();
        Map<String, String> labels = new LinkedHashMap<>(names.clusterLabels());
        labels.putAll(selector(names));
        labels.put("strimzi.io/component-type", "kafka-exporter");
        labels.put("app.kubernetes.io/name", "kafka-exporter");
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name(names)).withNamespace(names.namespace()).withLabels(labels);
        options.owner().ifPresent(o -> meta.withOwnerReferences(List.of(o)));
        ObjectMeta m = meta.build();

        List<String> args = arguments(cluster, names, spec, internalTls);
        var container = new ContainerBuilder().withName("kafka-exporter").withImage(options.operatorImage()).withArgs(args)
                .withPorts(new ContainerPortBuilder().withName(MetricsSpec.PORT_NAME).withContainerPort(MetricsSpec.PORT)
                        .withProtocol("TCP").build())
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
                        .withLimits(Map.of("memory", new Quantity("512Mi"))).build())
                .withNewReadinessProbe().withNewHttpGet().withPath("/metrics").withPort(new IntOrString(MetricsSpec.PORT))
                .endHttpGet().withInitialDelaySeconds(5).withPeriodSeconds(30).endReadinessProbe()
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                // the root file system is read-only; the JVM and Kafka's client libraries still want a /tmp
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
        if (internalTls) {
            container.getVolumeMounts().add(new VolumeMountBuilder().withName("client-config")
                    .withMountPath(CONFIG_DIR).withReadOnly(true).build());
        }
        var deploymentBuilder = new DeploymentBuilder().withMetadata(m).withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(selector(names)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                // the image is built for linux/amd64 and linux/arm64 (deploy/eks/build-image.sh): any Linux node will do
                .withNewSpec().withServiceAccountName(names.serviceAccount()).withContainers(container)
                .withNodeSelector(Map.of("kubernetes.io/os", "linux"))
                .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("16Mi")).endEmptyDir()
                .endVolume().endSpec()
                .endTemplate().endSpec();
        if (internalTls) {
            // readable by the image's non-root user, which owns nothing in the pod; no other process runs there
            deploymentBuilder.editSpec().editTemplate().editSpec().addNewVolume().withName("client-config").withNewSecret()
                    .withSecretName(names.exporterCerts()).withDefaultMode(0444).endSecret().endVolume().endSpec().endTemplate().endSpec();
        }
        HasMetadata deployment = deploymentBuilder.build();
        HasMetadata service = new ServiceBuilder().withMetadata(new ObjectMetaBuilder(m).build()).withNewSpec().withType("ClusterIP")
                .withSelector(selector(names)).addNewPort().withName(MetricsSpec.PORT_NAME).withPort(MetricsSpec.PORT)
                .withTargetPort(new IntOrString(MetricsSpec.PORT)).withProtocol("TCP").endPort().endSpec().build();
        return List.of(deployment, service);
    }

    /** What the exporter is started with: the brokers' replication listener, its filters, and with internal TLS its client config. */
    private static List<String> arguments(DesiredCluster cluster, KafkaNames names, ExporterSpec spec, boolean internalTls) {
        List<String> args = new ArrayList<>(List.of("exporter",
                "--bootstrap-server", cluster.brokers().stream().map(b -> names.host(b) + ":" + ListenerSpec.REPLICATION.port())
                        .collect(Collectors.joining(",")),
                "--port", String.valueOf(MetricsSpec.PORT),
                "--topic-regex", spec.topicRegex(), "--group-regex", spec.groupRegex(),
                "--show-all-offsets=" + spec.showAllOffsets()));
        if (spec.topicExcludeRegex() != null) {
            args.addAll(List.of("--topic-exclude-regex", spec.topicExcludeRegex()));
        }
        if (spec.groupExcludeRegex() != null) {
            args.addAll(List.of("--group-exclude-regex", spec.groupExcludeRegex()));
        }
        // with internal TLS the replication listener asks for a certificate: the exporter's own, from its Secret
        if (internalTls) {
            args.addAll(List.of("--command-config", CONFIG_DIR + "/" + CLIENT_PROPERTIES));
        }
        return args;
    }
}
