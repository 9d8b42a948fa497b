package io.keks.operator.resources;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.keks.engine.ClusterMemory;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.model.MetricsSpec;
import io.keks.model.ServerProperties;
import io.keks.model.VolumeSpec;
import io.strimzi.api.kafka.model.common.template.ContainerEnvVar;
import io.strimzi.api.kafka.model.common.template.PodTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Kafka node's own objects: the ConfigMap with its server.properties and how to format its
 * storage, a claim per persistent volume, and its Pod running the official apache/kafka image.
 * Pure: the same cluster gives the same objects.
 */
public final class NodeObjects {
    /** The pod condition the operator sets from Kafka's view: broker unfenced, or controller a caught-up voter. */
    public static final String READY_CONDITION = "keks.io/kafka-ready";
    /** Annotation: the server.properties the pod was created with (a later change to it tells why it restarts). */
    public static final String STARTED_CONFIG = "keks.io/started-config";
    /**
     * Annotation: the serial of the certificate in the node's Secret when the pod was made (hexadecimal).
     * A pod whose serial differs from its Secret's restarts to serve the renewed certificate.
     */
    public static final String CERTIFICATE_SERIAL = "keks.io/certificate-serial";
    /** Annotation: the Kafka version the pod runs. */
    public static final String KAFKA_VERSION = "keks.io/kafka-version";
    static final String RACK_DIR = "/opt/kafka/keks/rack";
    static final String METRICS_AGENT_DIR = "/opt/kafka/keks/metrics-agent";
    static final String METRICS_AGENT_JAR = "jmx_prometheus_javaagent.jar";
    static final String METRICS_CONFIG_DIR = "/opt/kafka/keks/metrics-config";
    static final String METRICS_REPORTER_DIR = "/opt/kafka/keks/metrics-reporter";
    public static final String METRICS_RULES_FILE = "rules.yml";

    /**
     * Starts the node: the server.properties from the ConfigMap, with broker.rack from the zone of the
     * Kubernetes node when the cluster is rack-aware; storage formatted once, on the first start.
     */
    static final String START_SCRIPT = """
            set -euo pipefail
            cp %1$s/server.properties /tmp/server.properties
            if [ -s %2$s/rack ]; then
              printf 'broker.rack=%%s\\n' "$(cat %2$s/rack)" >> /tmp/server.properties
            fi
            if [ ! -f "$(cat %1$s/metadata-log-dir)/meta.properties" ]; then
              /opt/kafka/bin/kafka-storage.sh format --config /tmp/server.properties --cluster-id "$(cat %1$s/cluster-id)" \\
                $(cat %1$s/format-args) --ignore-formatted
            fi
            exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties
            """.formatted(KubernetesAddressing.CONFIG_DIR, RACK_DIR);

    private final DesiredCluster cluster;
    private final KafkaNames names;
    private final KubernetesAddressing addressing;
    private final ClusterMemory memory;
    private final RenderOptions options;

    NodeObjects(DesiredCluster cluster, KafkaNames names, ClusterMemory memory, RenderOptions options) {
        this.cluster = cluster;
        this.names = names;
        this.addressing = KubernetesAddressing.of(names, cluster, memory);
        this.memory = memory;
        this.options = options;
    }

    /** The server.properties of a node on Kubernetes: broker.rack comes from its Kubernetes node at start. */
    public Map<String, String> serverProperties(DesiredNode node) {
        Map<String, String> p = new LinkedHashMap<>(ServerProperties.of(cluster, node, addressing));
        p.remove("broker.rack");
        if (addressing.readsPasswords()) {
            p.put("config.providers", "dir");
            p.put("config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        }
        return p;
    }

    public ConfigMap configMap(DesiredNode node) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("server.properties", serverPropertiesText(node));
        data.put("cluster-id", memory.clusterId());
        data.put("format-args", formatArgs(node));
        data.put("metadata-log-dir", ServerProperties.logDir(KubernetesAddressing.volumeDir(node.metadataVolume().id()), node));
        return new ConfigMapBuilder().withMetadata(meta(names.pod(node), node, true)).withData(data).build();
    }

    String serverPropertiesText(DesiredNode node) {
        return ServerProperties.render(serverProperties(node), "written by keks from the manifests of Kafka " + cluster.name()
                + "; the operator overwrites edits");
    }

    /** How kafka-storage formats the node: the initial controllers form the quorum, every other node joins it. */
    private String formatArgs(DesiredNode node) {
        return String.join(" ", memory.formatArgs(cluster, node, c -> names.host(c) + ":" + ListenerSpec.CONTROLPLANE.port()));
    }

    /** A claim per persistent-claim volume; owned by the Kafka resource only when deleteClaim asks for it. */
    public List<PersistentVolumeClaim> claims(DesiredNode node) {
        List<PersistentVolumeClaim> out = new ArrayList<>();
        for (VolumeSpec v : node.volumes()) {
            if (!v.type().equals("persistent-claim")) {
                continue;
            }
            out.add(new PersistentVolumeClaimBuilder().withMetadata(meta(names.claim(node, v), node, v.deleteClaim()))
                    .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(v.storageClass()).withVolumeMode("Filesystem")
                    .withNewResources().addToRequests("storage", new Quantity(v.size())).endResources().endSpec().build());
        }
        return out;
    }

    public Pod pod(DesiredNode node, PoolSettings settings) {
        PodTemplate template = settings.pod();
        ObjectMeta meta = meta(names.pod(node), node, true);
        if (template != null && template.getMetadata() != null) {
            Optional.ofNullable(template.getMetadata().getLabels()).ifPresent(l -> l.forEach(meta.getLabels()::putIfAbsent));
            Optional.ofNullable(template.getMetadata().getAnnotations()).ifPresent(meta.getAnnotations()::putAll);
        }
        meta.getAnnotations().put(STARTED_CONFIG, serverPropertiesText(node));
        meta.getAnnotations().put(KAFKA_VERSION, cluster.version().toString());
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        storageAndSecrets(node, template, volumes, mounts);
        List<Container> init = initContainers(node, settings, volumes, mounts);
        Container kafka = new ContainerBuilder().withName("kafka").withImage(options.kafkaImage(cluster.version()))
                .withCommand("/bin/bash", "-c", START_SCRIPT)
                .withPorts(ports(node))
                .withEnv(env(node, settings))
                .withResources(settings.resources())
                .withVolumeMounts(mounts)
                .withReadinessProbe(tcpProbe(node, 10))
                .withLivenessProbe(tcpProbe(node, 60))
                .withSecurityContext(settings.kafkaContainer() == null ? null : settings.kafkaContainer().getSecurityContext())
                .build();
        PodSpecBuilder spec = new PodSpecBuilder()
                .withHostname(names.pod(node))
                .withSubdomain(names.brokersService())
                .withServiceAccountName(names.serviceAccount())
                .withRestartPolicy("Always")
                .withReadinessGates(List.of(new PodReadinessGate(READY_CONDITION)))
                .withInitContainers(init)
                .withContainers(kafka)
                .withVolumes(volumes)
                // the apache/kafka image runs as uid 1000: the volumes must be writable by its group
                .withNewSecurityContext().withFsGroup(1000L).endSecurityContext();
        if (template != null) {
            spec.withAffinity(template.getAffinity())
                    .withTolerations(template.getTolerations())
                    .withTopologySpreadConstraints(template.getTopologySpreadConstraints())
                    .withPriorityClassName(template.getPriorityClassName())
                    .withSchedulerName(template.getSchedulerName())
                    .withImagePullSecrets(template.getImagePullSecrets())
                    .withHostAliases(template.getHostAliases())
                    .withEnableServiceLinks(template.getEnableServiceLinks())
                    .withTerminationGracePeriodSeconds((long) template.getTerminationGracePeriodSeconds());
            if (template.getSecurityContext() != null) {
                spec.withSecurityContext(template.getSecurityContext());
            }
        }
        return new PodBuilder().withMetadata(meta).withSpec(spec.build()).build();
    }

    /** The node's data volumes, its config, a small /tmp, and its certificates and the CAs' trust stores it needs. */
    private void storageAndSecrets(DesiredNode node, PodTemplate template, List<Volume> volumes, List<VolumeMount> mounts) {
        for (VolumeSpec v : node.volumes()) {
            String name = "data-" + v.id();
            VolumeBuilder vb = new VolumeBuilder().withName(name);
            volumes.add(v.type().equals("persistent-claim")
                    ? vb.withNewPersistentVolumeClaim().withClaimName(names.claim(node, v)).endPersistentVolumeClaim().build()
                    : vb.withNewEmptyDir().withSizeLimit(v.size() == null ? null : new Quantity(v.size())).endEmptyDir().build());
            mounts.add(mount(name, KubernetesAddressing.volumeDir(v.id())));
        }
        volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(names.pod(node)).endConfigMap().build());
        mounts.add(mount("config", KubernetesAddressing.CONFIG_DIR));
        String tmpLimit = template != null && template.getTmpDirSizeLimit() != null ? template.getTmpDirSizeLimit() : "5Mi";
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity(tmpLimit))
                .endEmptyDir().build());
        mounts.add(mount("tmp", "/tmp"));
        if (addressing.hasKeyStore(node)) {
            volumes.add(new VolumeBuilder().withName("certs").withNewSecret().withSecretName(names.pod(node))
                    .withDefaultMode(0440).endSecret().build());
            mounts.add(mount("certs", KubernetesAddressing.CERTS_DIR));
        }
        if (addressing.trustStore(node).isPresent()) {
            // only the trust store and its password: the CA's own certificate Secret, never its key
            volumes.add(caVolume("cluster-ca", names.clusterCaCert()));
            mounts.add(mount("cluster-ca", KubernetesAddressing.CLUSTER_CA_DIR));
        }
        if (addressing.clientsTrustStore(node).isPresent()) {
            volumes.add(caVolume("clients-ca", names.clientsCaCert()));
            mounts.add(mount("clients-ca", KubernetesAddressing.CLIENTS_CA_DIR));
        }
    }

    /** The init containers: the metrics agent or reporter copied in, and the rack read from the node's topology label; with their volumes. */
    private List<Container> initContainers(DesiredNode node, PoolSettings settings, List<Volume> volumes, List<VolumeMount> mounts) {
        boolean rack = cluster.rackTopologyKey() != null && node.isBroker();
        List<Container> init = new ArrayList<>();
        cluster.metricsSpec().filter(MetricsSpec::reporter).ifPresent(m -> {
            // nor Strimzi's metrics reporter: its jars are copied from the operator's image, and join Kafka's class path
            volumes.add(new VolumeBuilder().withName("metrics-reporter").withNewEmptyDir().withSizeLimit(new Quantity("20Mi"))
                    .endEmptyDir().build());
            mounts.add(mount("metrics-reporter", METRICS_REPORTER_DIR));
            init.add(new ContainerBuilder().withName("metrics-reporter").withImage(options.operatorImage())
                    .withCommand("cp", "-r", "/opt/keks/reporter/.", METRICS_REPORTER_DIR + "/")
                    .withVolumeMounts(mount("metrics-reporter", METRICS_REPORTER_DIR))
                    .withSecurityContext(settings.initContainer() == null ? null : settings.initContainer().getSecurityContext())
                    .build());
        });
        cluster.metricsSpec().filter(MetricsSpec::agent).ifPresent(m -> {
            // the apache/kafka image has no exporter agent: it is copied from the operator's image
            volumes.add(new VolumeBuilder().withName("metrics-agent").withNewEmptyDir().withSizeLimit(new Quantity("20Mi"))
                    .endEmptyDir().build());
            mounts.add(mount("metrics-agent", METRICS_AGENT_DIR));
            // the operator's copy of the user's rules with keks' own after them (ClusterObjects), mounted whole, not by
            // subPath, so changed rules reach the running agent, which re-reads them
            volumes.add(new VolumeBuilder().withName("metrics-config").withNewConfigMap().withName(names.metricsRules())
                    .withItems(new KeyToPath(METRICS_RULES_FILE, null, METRICS_RULES_FILE)).endConfigMap().build());
            mounts.add(mount("metrics-config", METRICS_CONFIG_DIR));
            init.add(new ContainerBuilder().withName("metrics-agent").withImage(options.operatorImage())
                    .withCommand("cp", "/opt/keks/agents/" + METRICS_AGENT_JAR, METRICS_AGENT_DIR + "/")
                    .withVolumeMounts(mount("metrics-agent", METRICS_AGENT_DIR))
                    .withSecurityContext(settings.initContainer() == null ? null : settings.initContainer().getSecurityContext())
                    .build());
        });
        if (rack) {
            volumes.add(new VolumeBuilder().withName("rack").withNewEmptyDir().endEmptyDir().build());
            mounts.add(mount("rack", RACK_DIR));
            init.add(new ContainerBuilder().withName("kafka-init").withImage(options.operatorImage())
                    .withArgs("rack", "--topology-key", cluster.rackTopologyKey(), "--out", RACK_DIR + "/rack")
                    .withEnv(new EnvVarBuilder().withName("KEKS_NODE_NAME").withValueFrom(new EnvVarSourceBuilder()
                            .withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().build()).build())
                    .withVolumeMounts(mount("rack", RACK_DIR))
                    .withSecurityContext(settings.initContainer() == null ? null : settings.initContainer().getSecurityContext())
                    .build());
        }
        return init;
    }

    private List<ContainerPort> ports(DesiredNode node) {
        List<ContainerPort> ports = new ArrayList<>(cluster.listenersOf(node).stream().map(NodeObjects::port).toList());
        if (cluster.metricsSpec().isPresent()) {
            ports.add(new ContainerPortBuilder().withName(MetricsSpec.PORT_NAME).withContainerPort(MetricsSpec.PORT).withProtocol("TCP").build());
        }
        return ports;
    }

    /** A listener's port name: {@code tcp-<listener>}, at most 15 characters as Kubernetes requires. */
    static String portName(ListenerSpec l) {
        String name = "tcp-" + l.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return name.length() <= 15 ? name : name.substring(0, 15).replaceAll("-+$", "");
    }

    private static ContainerPort port(ListenerSpec l) {
        return new ContainerPortBuilder().withName(portName(l)).withContainerPort(l.port()).withProtocol("TCP").build();
    }

    private static Probe tcpProbe(DesiredNode node, int initialDelay) {
        int port = node.isBroker() ? ListenerSpec.REPLICATION.port() : ListenerSpec.CONTROLPLANE.port();
        return new ProbeBuilder().withNewTcpSocket().withNewPort(port).endTcpSocket().withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(10).withTimeoutSeconds(5).build();
    }

    private List<EnvVar> env(DesiredNode node, PoolSettings settings) {
        List<EnvVar> env = new ArrayList<>();
        if (node.heap().requested() != null) {
            // jvmOptions, or half the memory limit; with neither, Kafka's own default heap
            env.add(new EnvVar("KAFKA_HEAP_OPTS", "-Xms" + node.heap().xms() + " -Xmx" + node.heap().xmx(), null));
        }
        List<String> opts = new ArrayList<>();
        if (cluster.metricsSpec().filter(MetricsSpec::reporter).isPresent()) {
            // kafka-run-class.sh puts CLASSPATH before Kafka's own jars
            env.add(new EnvVar("CLASSPATH", METRICS_REPORTER_DIR + "/*", null));
        }
        if (cluster.metricsSpec().filter(MetricsSpec::agent).isPresent()) {
            opts.add("-javaagent:" + METRICS_AGENT_DIR + "/" + METRICS_AGENT_JAR + "=" + MetricsSpec.PORT + ":"
                    + METRICS_CONFIG_DIR + "/" + METRICS_RULES_FILE);
        }
        if (addressing.readsPasswords()) {
            // Kafka 4 only lets config providers named here run
            opts.add("-Dorg.apache.kafka.automatic.config.providers=org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        }
        if (settings.jvmOptions() != null) {
            Optional.ofNullable(settings.jvmOptions().getXx()).ifPresent(xx -> xx.forEach((k, v) ->
                    opts.add("true".equals(v) ? "-XX:+" + k : "false".equals(v) ? "-XX:-" + k : "-XX:" + k + "=" + v)));
            Optional.ofNullable(settings.jvmOptions().getJavaSystemProperties())
                    .ifPresent(ps -> ps.forEach(p -> opts.add("-D" + p.getName() + "=" + p.getValue())));
        }
        if (!opts.isEmpty()) {
            env.add(new EnvVar("KAFKA_OPTS", String.join(" ", opts), null));
        }
        if (settings.kafkaContainer() != null && settings.kafkaContainer().getEnv() != null) {
            for (ContainerEnvVar e : settings.kafkaContainer().getEnv()) {
                EnvVarSource from = e.getValueFrom() == null ? null : new EnvVarSourceBuilder()
                        .withSecretKeyRef(e.getValueFrom().getSecretKeyRef())
                        .withConfigMapKeyRef(e.getValueFrom().getConfigMapKeyRef()).build();
                env.add(new EnvVar(e.getName(), e.getValue(), from));
            }
        }
        return env;
    }

    private static Volume caVolume(String name, String secret) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret).withDefaultMode(0440)
                .withItems(new KeyToPath("ca.p12", null, "ca.p12"),
                        new KeyToPath("ca.password", null, "ca.password"))
                .endSecret().build();
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    private ObjectMeta meta(String name, DesiredNode node, boolean owned) {
        ObjectMetaBuilder m = new ObjectMetaBuilder().withName(name).withNamespace(names.namespace())
                .withLabels(new LinkedHashMap<>(names.nodeLabels(node))).withAnnotations(new LinkedHashMap<>());
        if (owned) {
            options.owner().ifPresent(o -> m.withOwnerReferences(List.<OwnerReference>of(o)));
        }
        return m.build();
    }
}
