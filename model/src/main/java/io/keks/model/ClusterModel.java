package io.keks.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.keks.model.manifest.ManifestException;
import io.keks.model.manifest.Manifests;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.common.CertificateAuthority;
import io.strimzi.api.kafka.model.common.CertificateExpirationPolicy;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.KafkaClusterSpec;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads validated manifests into a {@link DesiredCluster}. Pure. Every problem is collected, so a
 * user fixes a file once rather than once per error.
 */
public final class ClusterModel {
    public static final String CLUSTER_LABEL = "strimzi.io/cluster";
    /** The racks brokers are spread over locally, standing in for three availability zones. */
    public static final List<String> LOCAL_ZONES = List.of("zone-a", "zone-b", "zone-c");
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LISTENER_NAME = Pattern.compile("[a-z0-9]{1,11}");
    private static final Pattern METADATA_VERSION = Pattern.compile("(\\d+)\\.(\\d+)(-IV\\d+)?");
    private static final Set<Integer> RESERVED_PORTS = Set.of(9090, 9091, 9404, 9999);
    /** Configs keks sets itself from the manifest's structure; a value in spec.kafka.config is ignored. */
    private static final List<String> MANAGED_PREFIXES = List.of("listeners", "advertised.", "listener.",
            "inter.broker.listener.name", "broker.id", "node.id", "process.roles", "controller.", "log.dir",
            "metadata.log.dir", "broker.rack", "ssl.keystore", "ssl.truststore", "sasl.", "security.",
            "authorizer.", "super.users");

    /**
     * Inputs that do not come from the manifests.
     *
     * @param configRules the config definitions of a Kafka version, to check config values against; it may throw when
     *                    the version cannot be had, which is then reported at spec.kafka.version
     * @param oneKafkaTopicPerTopic whether KafkaTopics are held to the naming rules of manifests given together
     *                    ({@link TopicModel#namingProblems}): yes for those; no for manifests an earlier keks stored (and
     *                    new ones merged with them, checked on their own), where two KafkaTopics for one topic are settled
     *                    by age, the younger one's status saying ResourceConflict as Strimzi's does
     * @param sharedCores the processors of the one machine every node runs on (locally); 0 when each node has its own
     */
    public record Options(Map<String, List<Integer>> currentNodeIds, long maxHeapBytes,
                          Function<KafkaVersion, KafkaConfigRules> configRules, boolean oneKafkaTopicPerTopic, int sharedCores) {
        public Options(Map<String, List<Integer>> currentNodeIds, long maxHeapBytes) {
            this(currentNodeIds, maxHeapBytes, v -> KafkaConfigRules.NONE, true, 0);
        }

        public static Options defaults() {
            return new Options(Map.of(), 512L << 20);
        }

        public Options withConfigRules(Function<KafkaVersion, KafkaConfigRules> rules) {
            return new Options(currentNodeIds, maxHeapBytes, rules, oneKafkaTopicPerTopic, sharedCores);
        }

        /** Every node runs on one machine of {@code cores} processors (locally): see {@link PoolModel#machineConfig}. */
        public Options withSharedCores(int cores) {
            return new Options(currentNodeIds, maxHeapBytes, configRules, oneKafkaTopicPerTopic, cores);
        }

        public Options withStoredKafkaTopics() {
            return new Options(currentNodeIds, maxHeapBytes, configRules, false, sharedCores);
        }
    }

    public record Result(DesiredCluster cluster, List<Problem> warnings) {
    }

    private final Manifests manifests;
    private final Options options;
    private final List<Problem> problems = new ArrayList<>();

    private ClusterModel(Manifests manifests, Options options) {
        this.manifests = manifests;
        this.options = options;
        problems.addAll(manifests.problems());
    }

    /** The desired cluster, or a {@link ManifestException} listing every problem. */
    public static Result build(Manifests manifests, Options options) {
        return new ClusterModel(manifests, options).build();
    }

    private Result build() {
        Optional<Sourced<Kafka>> found = theKafka();
        if (found.isEmpty()) {
            throw new ManifestException(problems);
        }
        Sourced<Kafka> kafka = found.get();
        KafkaClusterSpec spec = kafka.resource().getSpec() == null ? null : kafka.resource().getSpec().getKafka();
        if (spec == null) {
            problems.add(kafka.error("/spec/kafka", "spec.kafka is missing; it holds the version, listeners and config"));
            throw new ManifestException(problems);
        }
        String name = kafka.resource().getMetadata().getName();
        String namespace = Optional.ofNullable(kafka.resource().getMetadata().getNamespace()).orElse("default");
        checkName(kafka, name);
        checkAnnotations(kafka);
        checkUnsupported(kafka);
        KafkaVersion version = version(kafka, spec);
        String metadataVersion = metadataVersion(kafka, spec, version);
        List<ListenerSpec> listeners = listeners(kafka, spec);
        KafkaConfigRules rules = configRules(kafka, version);
        Map<String, String> config = config(kafka, spec, version);
        ConfigValues.check(config, rules, KafkaConfigRules.Scope.BROKER, version, kafka, "/spec/kafka/config", problems);
        MetricsSpec metrics = MetricsModel.metrics(kafka, namespace, manifests.configMaps(), problems).orElse(null);
        ExporterSpec exporter = MetricsModel.exporter(kafka, problems).orElse(null);

        PoolModel poolModel = new PoolModel(options, problems);
        List<Sourced<KafkaNodePool>> pools = poolModel.pools(kafka, manifests.nodePools(), name, namespace);
        Map<String, NavigableSet<Integer>> ids = poolModel.nodeIds(kafka, pools);
        List<DesiredNode> nodes = poolModel.nodes(kafka, spec, pools, ids);
        Map<String, StorageGrowth> storageGrowth = poolModel.storageGrowth(pools);
        long brokers = nodes.stream().filter(DesiredNode::isBroker).count();
        checkReplication(kafka, config, brokers);
        List<DesiredTopic> topics = TopicModel.topics(manifests.topics(), name, config, (int) brokers, rules, version,
                options.oneKafkaTopicPerTopic(),
                problems);
        AuthorizationSpec authorization = authorization(kafka, spec);
        List<DesiredUser> users = UserModel.users(manifests.users(), name, authorization, manifests.secrets(), problems);
        CaSpec clusterCa = ca(kafka, "clusterCa", kafka.resource().getSpec().getClusterCa());
        CaSpec clientsCa = ca(kafka, "clientsCa", kafka.resource().getSpec().getClientsCa());
        RebalanceSpec rebalance = RebalanceModel.spec(kafka, problems);
        List<DesiredRebalance> rebalances = RebalanceModel.rebalances(manifests.rebalances(), name, problems);

        if (problems.stream().anyMatch(Problem::isError)) {
            throw new ManifestException(problems);
        }
        Map<String, List<Integer>> poolIds = new LinkedHashMap<>();
        ids.forEach((pool, set) -> poolIds.put(pool, List.copyOf(set)));
        DesiredCluster cluster = new DesiredCluster(namespace, name, version, metadataVersion, listeners, config,
                nodes, topics, poolIds, spec.getRack() == null ? null : spec.getRack().getTopologyKey(), metrics,
                exporter, authorization, users, clusterCa, clientsCa, rebalance, rebalances, storageGrowth);
        return new Result(cluster, List.copyOf(problems));
    }

    /**
     * Whether a KafkaTopic, KafkaUser or KafkaRebalance names this cluster with its {@value #CLUSTER_LABEL} label; a
     * missing or other label is a problem naming the fix.
     */
    static boolean labelledFor(Sourced<? extends HasMetadata> r, String kind, String cluster,
                               List<Problem> problems) {
        var meta = r.resource().getMetadata();
        String label = meta.getLabels() == null ? null : meta.getLabels().get(CLUSTER_LABEL);
        if (label == null) {
            problems.add(r.error("/metadata/labels", kind + " " + meta.getName() + " has no " + CLUSTER_LABEL
                    + " label; add `" + CLUSTER_LABEL + ": " + cluster + "` under metadata.labels"));
            return false;
        }
        if (!label.equals(cluster)) {
            problems.add(r.error("/metadata/labels/strimzi.io~1cluster", "names Kafka \"" + label
                    + "\", but the Kafka in these manifests is \"" + cluster + "\""));
            return false;
        }
        return true;
    }

    /** spec.clusterCa or spec.clientsCa: Strimzi's defaults where a field is not set. */
    private CaSpec ca(Sourced<Kafka> kafka, String field, CertificateAuthority ca) {
        if (ca == null) {
            return CaSpec.DEFAULTS;
        }
        if (!ca.isGenerateCertificateAuthority()) {
            problems.add(kafka.error("/spec/" + field + "/generateCertificateAuthority", "keks makes and renews its own CAs;"
                    + " a CA of your own is not supported yet, so remove generateCertificateAuthority: false"));
        }
        if (ca.getCertificateExpirationPolicy() == CertificateExpirationPolicy.REPLACE_KEY) {
            problems.add(kafka.warning("/spec/" + field + "/certificateExpirationPolicy", "replace-key is not supported yet: when the"
                    + " CA's certificate is due, keks renews it for the same key (renew-certificate)"));
        }
        int validity = ca.getValidityDays() > 0 ? ca.getValidityDays() : CaSpec.DEFAULTS.validityDays();
        int renewal = ca.getRenewalDays() > 0 ? ca.getRenewalDays() : CaSpec.DEFAULTS.renewalDays();
        if (renewal >= validity) {
            problems.add(kafka.error("/spec/" + field + "/renewalDays", "renewalDays (" + renewal + ") must be less than"
                    + " validityDays (" + validity + "), or certificates would be renewed as soon as they are made"));
        }
        return new CaSpec(validity, renewal);
    }

    /** spec.kafka.authorization: type simple is Kafka's StandardAuthorizer; other types need servers keks does not run. */
    private AuthorizationSpec authorization(Sourced<Kafka> kafka, KafkaClusterSpec spec) {
        if (spec.getAuthorization() == null) {
            return null;
        }
        if (!(spec.getAuthorization() instanceof KafkaAuthorizationSimple simple)) {
            problems.add(kafka.error("/spec/kafka/authorization/type", "authorization type \"" + spec.getAuthorization().getType()
                    + "\" is not supported; use simple (Kafka's StandardAuthorizer, with ACLs from KafkaUsers)"));
            return null;
        }
        List<String> superUsers = simple.getSuperUsers() == null ? List.of() : List.copyOf(simple.getSuperUsers());
        for (int i = 0; i < superUsers.size(); i++) {
            if (superUsers.get(i) == null || superUsers.get(i).isBlank() || superUsers.get(i).contains(";")) {
                problems.add(kafka.error("/spec/kafka/authorization/superUsers/" + i, "a super user is a user name or a"
                        + " certificate subject such as CN=admin, without ';'"));
            }
        }
        return new AuthorizationSpec(superUsers);
    }

    private Optional<Sourced<Kafka>> theKafka() {
        List<Sourced<Kafka>> kafkas = manifests.kafkas();
        if (kafkas.isEmpty()) {
            if (!manifests.hasErrors()) {
                problems.add(Problem.error("manifests", 0, "", "no Kafka resource found; give keks a file or directory"
                        + " with a kafka.strimzi.io Kafka (see examples/kafka-manifests/)"));
            }
            return Optional.empty();
        }
        if (kafkas.size() > 1) {
            for (Sourced<Kafka> extra : kafkas.subList(1, kafkas.size())) {
                problems.add(extra.error("/metadata/name", "a second Kafka (\"" + extra.resource().getMetadata().getName()
                        + "\"); keks runs one Kafka cluster per KEKS_HOME, so apply one Kafka at a time"));
            }
        }
        return Optional.of(kafkas.get(0));
    }

    private void checkName(Sourced<Kafka> kafka, String name) {
        if (!DNS_LABEL.matcher(name).matches() || name.length() > 63) {
            problems.add(kafka.error("/metadata/name", "\"" + name + "\" is not a valid name; use lower-case letters,"
                    + " digits and '-', starting and ending with a letter or digit"));
        }
    }

    private void checkAnnotations(Sourced<Kafka> kafka) {
        Map<String, String> annotations = Optional.ofNullable(kafka.resource().getMetadata().getAnnotations()).orElse(Map.of());
        if ("disabled".equals(annotations.get("strimzi.io/kraft"))) {
            problems.add(kafka.error("/metadata/annotations/strimzi.io~1kraft", "keks runs Kafka in KRaft mode only;"
                    + " remove this annotation or set it to enabled"));
        }
        if ("disabled".equals(annotations.get("strimzi.io/node-pools"))) {
            problems.add(kafka.error("/metadata/annotations/strimzi.io~1node-pools", "keks needs KafkaNodePools;"
                    + " remove this annotation or set it to enabled, and describe the nodes as KafkaNodePools"));
        }
    }

    private void checkUnsupported(Sourced<Kafka> kafka) {
        var spec = kafka.resource().getSpec();
        if (spec.getZookeeper() != null) {
            problems.add(kafka.error("/spec/zookeeper", "ZooKeeper is gone from Kafka 4; remove spec.zookeeper,"
                    + " the controllers are KafkaNodePools with role controller"));
        }
        if (spec.getKafka().getReplicas() != null) {
            problems.add(kafka.warning("/spec/kafka/replicas", "ignored: the KafkaNodePools set the number of nodes"));
        }
        if (spec.getKafka().getStorage() != null) {
            problems.add(kafka.warning("/spec/kafka/storage", "ignored: each KafkaNodePool sets its own storage"));
        }
    }

    private KafkaVersion version(Sourced<Kafka> kafka, KafkaClusterSpec spec) {
        if (spec.getVersion() == null) {
            return KafkaVersion.BUNDLED;
        }
        Optional<KafkaVersion> parsed = KafkaVersion.parse(spec.getVersion());
        if (parsed.isEmpty()) {
            problems.add(kafka.error("/spec/kafka/version", "\"" + spec.getVersion() + "\" is not a Kafka version;"
                    + " write it like " + KafkaVersion.BUNDLED));
            return KafkaVersion.BUNDLED;
        }
        if (!parsed.get().atLeast(KafkaVersion.OLDEST)) {
            problems.add(kafka.error("/spec/kafka/version", "Kafka " + parsed.get() + " is too old; keks needs "
                    + KafkaVersion.OLDEST + " or newer (dynamic KRaft quorum, KIP-853)"));
        }
        return parsed.get();
    }

    /** The config rules of the version, or none when it has problems already; a version that cannot be had is one. */
    private KafkaConfigRules configRules(Sourced<Kafka> kafka, KafkaVersion version) {
        if (problems.stream().anyMatch(Problem::isError)) {
            return KafkaConfigRules.NONE;
        }
        try {
            return options.configRules().apply(version);
        } catch (RuntimeException e) {
            problems.add(kafka.error("/spec/kafka/version", "Kafka " + version + " cannot be had: " + e.getMessage()
                    + "; use a released Kafka version (" + KafkaVersion.BUNDLED + " comes with keks)"));
            return KafkaConfigRules.NONE;
        }
    }

    private String metadataVersion(Sourced<Kafka> kafka, KafkaClusterSpec spec, KafkaVersion version) {
        String mv = spec.getMetadataVersion();
        if (mv == null) {
            return null;
        }
        var m = METADATA_VERSION.matcher(mv);
        if (!m.matches()) {
            problems.add(kafka.error("/spec/kafka/metadataVersion", "\"" + mv + "\" is not a metadata version;"
                    + " write it like " + version.metadataPrefix() + "-IV0"));
            return null;
        }
        KafkaVersion of = new KafkaVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 0);
        if (of.compareTo(new KafkaVersion(version.major(), version.minor(), 0)) > 0) {
            problems.add(kafka.error("/spec/kafka/metadataVersion", mv + " is newer than Kafka " + version
                    + " supports; use " + version.metadataPrefix() + " or older"));
        }
        return mv;
    }

    private List<ListenerSpec> listeners(Sourced<Kafka> kafka, KafkaClusterSpec spec) {
        List<ListenerSpec> out = new ArrayList<>();
        List<GenericKafkaListener> listeners = Optional.ofNullable(spec.getListeners()).orElse(List.of());
        if (listeners.isEmpty()) {
            problems.add(kafka.error("/spec/kafka/listeners", "at least one listener is needed, e.g."
                    + " {name: plain, port: 9092, type: internal, tls: false}"));
        }
        Map<String, Integer> names = new HashMap<>();
        Map<Integer, Integer> ports = new HashMap<>();
        for (int i = 0; i < listeners.size(); i++) {
            GenericKafkaListener l = listeners.get(i);
            String at = "/spec/kafka/listeners/" + i;
            if (l.getName() == null || !LISTENER_NAME.matcher(l.getName()).matches()) {
                problems.add(kafka.error(at + "/name", "listener name \"" + l.getName()
                        + "\" must be 1-11 lower-case letters or digits"));
                continue;
            }
            if (l.getType() == null) {
                var raw = kafka.document().tree().at(at + "/type");
                problems.add(kafka.error(at + "/type", raw.isMissingNode() ? "type is missing; use internal for a cluster-local listener"
                        : "unknown listener type \"" + raw.asText() + "\"; use internal, cluster-ip, nodeport, loadbalancer,"
                        + " route or ingress"));
            }
            if (l.getType() != null && !l.getType().toValue().equals("internal") && !l.getType().toValue().equals("cluster-ip")) {
                problems.add(kafka.warning(at + "/type", "keks serves listener " + l.getName() + " inside the cluster only (as"
                        + " internal); " + l.getType().toValue() + " exposure is not built yet"));
            }
            String authentication = authentication(kafka, l, at);
            Integer first = names.putIfAbsent(l.getName(), i);
            if (first != null) {
                problems.add(kafka.error(at + "/name", "listener name \"" + l.getName() + "\" is also used by listeners["
                        + first + "]; names must be unique"));
            }
            if (l.getPort() < 9092 || RESERVED_PORTS.contains(l.getPort()) || l.getPort() > 65535) {
                problems.add(kafka.error(at + "/port", "port " + l.getPort() + " cannot be used; pick a port from 9092"
                        + " up, other than 9404 and 9999 (keks uses 9090 and 9091 itself)"));
            } else {
                Integer other = ports.putIfAbsent(l.getPort(), i);
                if (other != null) {
                    problems.add(kafka.error(at + "/port", "port " + l.getPort() + " is also used by listeners["
                            + other + "]; ports must be unique"));
                }
            }
            out.add(new ListenerSpec(l.getName(), l.getPort(), l.getType() == null ? "internal" : l.getType().toValue(),
                    l.isTls(), authentication));
        }
        return out;
    }

    /** The client authentication a listener asks for, when keks can serve it; null for none or one it cannot. */
    private String authentication(Sourced<Kafka> kafka, GenericKafkaListener l, String at) {
        if (l.getAuth() != null) {
            if (DesiredUser.SCRAM.equals(l.getAuth().getType())) {
                return DesiredUser.SCRAM;
            } else if (DesiredUser.TLS.equals(l.getAuth().getType()) && l.isTls()) {
                return DesiredUser.TLS;
            } else if (DesiredUser.TLS.equals(l.getAuth().getType())) {
                problems.add(kafka.error(at + "/tls", "authentication tls (mutual TLS) needs a TLS listener; set tls: true"));
            } else {
                problems.add(kafka.error(at + "/authentication/type", "listener authentication \"" + l.getAuth().getType()
                        + "\" is not supported yet; use scram-sha-512 or tls (keks will not serve this listener without the"
                        + " authentication it asks for)"));
            }
        }
        return null;
    }

    private Map<String, String> config(Sourced<Kafka> kafka, KafkaClusterSpec spec, KafkaVersion version) {
        Map<String, String> all = ConfigValues.strings(spec.getConfig(), kafka, "/spec/kafka/config", problems);
        Map<String, String> kept = new LinkedHashMap<>();
        all.forEach((key, value) -> {
            String at = "/spec/kafka/config/" + key;
            Optional<KafkaVersion> removed = version.removedSince(key);
            if (removed.isPresent()) {
                problems.add(kafka.error(at, key + " was removed in Kafka " + removed.get() + " and Kafka " + version
                        + " refuses to start with it; delete this line"));
            } else if (MANAGED_PREFIXES.stream().anyMatch(key::startsWith)) {
                problems.add(kafka.warning(at, "ignored: keks sets " + key + " itself from the listeners, pools and storage"));
            } else {
                kept.put(key, value);
            }
        });
        return kept;
    }

    private void checkReplication(Sourced<Kafka> kafka, Map<String, String> config, long brokers) {
        String at = "/spec/kafka/config/";
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            OptionalInt rf = ConfigValues.integer(config, key);
            if (rf.isPresent() && brokers > 0 && rf.getAsInt() > brokers) {
                problems.add(kafka.error(at + key, key + " is " + rf.getAsInt() + " but the cluster has " + brokers
                        + " broker(s); lower it or add brokers"));
            }
        }
        OptionalInt minIsr = ConfigValues.integer(config, "min.insync.replicas");
        OptionalInt rf = ConfigValues.integer(config, "default.replication.factor");
        if (minIsr.isPresent() && minIsr.getAsInt() > rf.orElse(1)) {
            problems.add(kafka.error(at + "min.insync.replicas", "min.insync.replicas " + minIsr.getAsInt()
                    + " is more than default.replication.factor " + rf.orElse(1)
                    + ", so no acks=all write could succeed; lower it or raise the replication factor"));
        }
        OptionalInt txIsr = ConfigValues.integer(config, "transaction.state.log.min.isr");
        OptionalInt txRf = ConfigValues.integer(config, "transaction.state.log.replication.factor");
        if (txIsr.isPresent() && txIsr.getAsInt() > txRf.orElse(3)) {
            problems.add(kafka.error(at + "transaction.state.log.min.isr", "transaction.state.log.min.isr "
                    + txIsr.getAsInt() + " is more than transaction.state.log.replication.factor " + txRf.orElse(3)));
        }
    }
}
