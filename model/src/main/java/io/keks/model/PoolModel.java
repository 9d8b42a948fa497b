package io.keks.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.common.JvmOptions;
import io.strimzi.api.kafka.model.kafka.EphemeralStorage;
import io.strimzi.api.kafka.model.kafka.JbodStorage;
import io.strimzi.api.kafka.model.kafka.KRaftMetadataStorage;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaClusterSpec;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.SingleVolumeStorage;
import io.strimzi.api.kafka.model.kafka.Storage;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The KafkaNodePools of a Kafka read into its nodes: each pool checked (roles, replicas, storage), node
 * ids assigned, and each node's volumes and heap. Part of {@link ClusterModel}; problems go to its list.
 */
final class PoolModel {
    /** Nodes one pool may have: far more than a machine or a Kafka cluster runs, few enough to refuse a slip at once. */
    static final int MAX_REPLICAS = 1000;
    /** What the Kafka and pool names may take of a pod name's 63 characters: two '-' and a node id of 5 digits are left. */
    static final int POD_NAME_ROOM = 63 - 2 - 5;

    private final ClusterModel.Options options;
    private final List<Problem> problems;

    PoolModel(ClusterModel.Options options, List<Problem> problems) {
        this.options = options;
        this.problems = problems;
    }

    /** The pools labelled for Kafka {@code name}, each checked; a cluster needs a broker pool and a controller pool. */
    List<Sourced<KafkaNodePool>> pools(Sourced<Kafka> kafka, List<Sourced<KafkaNodePool>> all, String name, String namespace) {
        List<Sourced<KafkaNodePool>> mine = new ArrayList<>();
        Set<String> poolNames = new HashSet<>();
        for (Sourced<KafkaNodePool> pool : all) {
            var meta = pool.resource().getMetadata();
            String label = meta.getLabels() == null ? null : meta.getLabels().get(ClusterModel.CLUSTER_LABEL);
            if (label == null) {
                problems.add(pool.error("/metadata/labels", "KafkaNodePool " + meta.getName() + " has no "
                        + ClusterModel.CLUSTER_LABEL + " label; add `" + ClusterModel.CLUSTER_LABEL + ": " + name + "` under metadata.labels"));
                continue;
            }
            if (!label.equals(name)) {
                problems.add(pool.error("/metadata/labels/strimzi.io~1cluster", "names Kafka \"" + label
                        + "\", but the Kafka in these manifests is \"" + name + "\""));
                continue;
            }
            String poolNamespace = meta.getNamespace() == null ? namespace : meta.getNamespace();
            if (!poolNamespace.equals(namespace)) {
                problems.add(pool.error("/metadata/namespace", "is \"" + poolNamespace + "\" but Kafka " + name
                        + " is in \"" + namespace + "\"; a pool must be in its Kafka's namespace"));
                continue;
            }
            if (!poolNames.add(meta.getName())) {
                problems.add(pool.error("/metadata/name", "a second KafkaNodePool named " + meta.getName()));
                continue;
            }
            if (!ClusterModel.DNS_LABEL.matcher(meta.getName()).matches()) {
                problems.add(pool.error("/metadata/name", "\"" + meta.getName() + "\" is not a valid name; use"
                        + " lower-case letters, digits and '-'"));
            } else if (name.length() + meta.getName().length() > POD_NAME_ROOM) {
                problems.add(pool.error("/metadata/name", "a node's pod and host name is <kafka>-<pool>-<id>, which Kubernetes"
                        + " limits to 63 characters: with Kafka " + name + ", a pool name of at most "
                        + Math.max(1, POD_NAME_ROOM - name.length()) + " characters leaves room for ids up to 5 digits;"
                        + " this one has " + meta.getName().length()));
            }
            checkPool(pool);
            mine.add(pool);
        }
        boolean anyBroker = mine.stream().anyMatch(p -> roles(p).contains(Role.BROKER));
        boolean anyController = mine.stream().anyMatch(p -> roles(p).contains(Role.CONTROLLER));
        if (problems.stream().anyMatch(Problem::isError)) {
            return mine; // a pool refused above may be the missing one; don't guess
        }
        if (!anyBroker) {
            problems.add(kafka.error("", "no KafkaNodePool with role broker for Kafka " + name + "; add one with"
                    + " `roles: [broker]` and the label " + ClusterModel.CLUSTER_LABEL + ": " + name));
        }
        if (!anyController) {
            problems.add(kafka.error("", "no KafkaNodePool with role controller for Kafka " + name + "; add one with"
                    + " `roles: [controller]` and the label " + ClusterModel.CLUSTER_LABEL + ": " + name));
        }
        for (Role role : Role.values()) {
            List<Sourced<KafkaNodePool>> withRole = mine.stream().filter(p -> roles(p).contains(role)).toList();
            if (!withRole.isEmpty() && withRole.stream().allMatch(p -> p.resource().getSpec().getReplicas() == 0)) {
                problems.add(withRole.get(0).error("/spec/replicas", "the pools with role " + role.kafkaName() + " of Kafka " + name
                        + " have 0 replicas in all, and a cluster needs at least one " + role.kafkaName() + "; give this pool"
                        + " replicas"));
            }
        }
        return mine;
    }

    private void checkPool(Sourced<KafkaNodePool> pool) {
        var spec = pool.resource().getSpec();
        if (spec == null) {
            problems.add(pool.error("/spec", "spec is missing; a pool needs replicas, roles and storage"));
            return;
        }
        if (spec.getReplicas() < 0) {
            problems.add(pool.error("/spec/replicas", "replicas must be 0 or more"));
        }
        if (spec.getRoles() == null || spec.getRoles().isEmpty()) {
            problems.add(pool.error("/spec/roles", "roles is missing; use [broker], [controller] or both"));
        } else if (spec.getRoles().contains(null)) {
            JsonNode listed = pool.document().tree().at("/spec/roles");
            if (listed.size() == 0) {
                // read from the API server, whose schema lets only the two roles through: no text to name
                problems.add(pool.error("/spec/roles", "a role is neither broker nor controller; keks runs Kafka in KRaft mode,"
                        + " whose roles are broker and controller"));
            }
            for (int i = 0; i < listed.size(); i++) {
                if (!Set.of("broker", "controller").contains(listed.get(i).asText())) {
                    problems.add(pool.error("/spec/roles/" + i, "\"" + listed.get(i).asText() + "\" is not a role; keks runs Kafka in"
                            + " KRaft mode, whose roles are broker and controller"));
                    break;
                }
            }
        } else if (new HashSet<>(spec.getRoles()).size() != spec.getRoles().size()) {
            problems.add(pool.error("/spec/roles", "a role is listed twice"));
        }
        if (spec.getReplicas() > MAX_REPLICAS) {
            problems.add(pool.error("/spec/replicas", "replicas " + spec.getReplicas() + " is more than keks runs in one pool"
                    + " (" + MAX_REPLICAS + "); split the nodes over pools, or check the number"));
        }
        if (spec.getStorage() == null) {
            problems.add(pool.error("/spec/storage", "storage is missing; e.g. type: jbod with one persistent-claim volume"));
        } else {
            checkStorage(pool, spec.getStorage());
        }
    }

    private void checkStorage(Sourced<KafkaNodePool> pool, Storage storage) {
        String at = "/spec/storage";
        if (storage instanceof JbodStorage jbod) {
            List<SingleVolumeStorage> volumes = Optional.ofNullable(jbod.getVolumes()).orElse(List.of());
            if (volumes.isEmpty()) {
                problems.add(pool.error(at + "/volumes", "a jbod storage needs at least one volume"));
            }
            Set<Integer> ids = new HashSet<>();
            int shared = 0;
            for (int i = 0; i < volumes.size(); i++) {
                SingleVolumeStorage v = volumes.get(i);
                String vat = at + "/volumes/" + i;
                if (v.getId() == null) {
                    problems.add(pool.error(vat + "/id", "every jbod volume needs an id (0, 1, ...)"));
                } else if (v.getId() < 0) {
                    problems.add(pool.error(vat + "/id", "a volume id must be 0 or more"));
                } else if (!ids.add(v.getId())) {
                    problems.add(pool.error(vat + "/id", "volume id " + v.getId() + " is used twice in this pool"));
                }
                if (v.getKraftMetadata() == KRaftMetadataStorage.SHARED && ++shared > 1) {
                    problems.add(pool.error(vat + "/kraftMetadata", "only one volume can hold the KRaft metadata log"));
                }
                checkVolume(pool, v, vat);
            }
        } else if (storage instanceof SingleVolumeStorage single) {
            checkVolume(pool, single, at);
        } else {
            problems.add(pool.error(at + "/type", "use jbod, persistent-claim or ephemeral storage"));
        }
    }

    private void checkVolume(Sourced<KafkaNodePool> pool, SingleVolumeStorage v, String at) {
        if (v instanceof PersistentClaimStorage pc) {
            if (pc.getSize() == null) {
                problems.add(pool.error(at + "/size", "size is missing; a persistent-claim volume needs one, e.g. 100Gi"));
            } else if (Quantity.kubernetesBytes(pc.getSize()).isEmpty()) {
                problems.add(pool.error(at + "/size", "\"" + pc.getSize() + "\" is not a size; write it like 100Gi or 500G"));
            }
        } else if (v instanceof EphemeralStorage e && e.getSizeLimit() != null
                && Quantity.kubernetesBytes(e.getSizeLimit()).isEmpty()) {
            problems.add(pool.error(at + "/sizeLimit", "\"" + e.getSizeLimit() + "\" is not a size; write it like 10Gi"));
        }
    }

    private static Set<Role> roles(Sourced<KafkaNodePool> pool) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        var spec = pool.resource().getSpec();
        if (spec != null && spec.getRoles() != null) {
            for (ProcessRoles r : spec.getRoles()) {
                if (r == null) {
                    continue; // a role Strimzi does not know: refused in checkPool
                }
                roles.add(r == ProcessRoles.BROKER ? Role.BROKER : Role.CONTROLLER);
            }
        }
        return roles;
    }

    /** Each pool's node ids, kept from before, asked for by annotation, or new. */
    Map<String, NavigableSet<Integer>> nodeIds(Sourced<Kafka> kafka, List<Sourced<KafkaNodePool>> pools) {
        List<NodeIdAssigner.PoolRequest> requests = new ArrayList<>();
        for (Sourced<KafkaNodePool> pool : pools) {
            KafkaNodePool p = pool.resource();
            String name = p.getMetadata().getName();
            List<Integer> current = options.currentNodeIds().get(name);
            if (current == null) {
                current = p.getStatus() != null && p.getStatus().getNodeIds() != null ? p.getStatus().getNodeIds() : List.of();
            }
            Map<String, String> ann = Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of());
            requests.add(new NodeIdAssigner.PoolRequest(name, Math.max(0, p.getSpec() == null ? 0 : p.getSpec().getReplicas()),
                    current, ann.get(NodeIdAssigner.NEXT_NODE_IDS), ann.get(NodeIdAssigner.REMOVE_NODE_IDS)));
        }
        try {
            return NodeIdAssigner.assign(requests);
        } catch (IllegalArgumentException e) {
            Sourced<?> where = pools.stream().filter(p -> e.getMessage().contains("pool " + p.resource().getMetadata().getName() + " "))
                    .findFirst().<Sourced<?>>map(p -> p).orElse(kafka);
            String pointer = where == kafka ? "" : e.getMessage().startsWith("annotation") ? "/metadata/annotations" : "/status/nodeIds";
            problems.add(where.error(pointer, e.getMessage()));
            return new LinkedHashMap<>();
        }
    }

    /** The nodes of the pools, sorted by id; with spec.kafka.rack, brokers spread over the local zones. */
    List<DesiredNode> nodes(Sourced<Kafka> kafka, KafkaClusterSpec spec, List<Sourced<KafkaNodePool>> pools,
                                    Map<String, NavigableSet<Integer>> ids) {
        List<DesiredNode> nodes = new ArrayList<>();
        boolean rackAware = spec.getRack() != null;
        for (Sourced<KafkaNodePool> pool : pools) {
            var p = pool.resource();
            if (p.getSpec() == null || p.getSpec().getStorage() == null) {
                continue;
            }
            List<VolumeSpec> volumes = volumes(p.getSpec().getStorage());
            JvmOptions jvm = p.getSpec().getJvmOptions() != null ? p.getSpec().getJvmOptions() : spec.getJvmOptions();
            var resources = p.getSpec().getResources() != null ? p.getSpec().getResources() : spec.getResources();
            HeapSpec heap = heap(pool, jvm, resources);
            Set<Role> roles = roles(pool);
            Map<String, String> machine = machineConfig(heap, roles.contains(Role.BROKER));
            for (int id : ids.getOrDefault(p.getMetadata().getName(), new TreeSet<>())) {
                nodes.add(new DesiredNode(id, p.getMetadata().getName(), roles, null, volumes, heap, machine));
            }
        }
        nodes.sort((a, b) -> Integer.compare(a.id(), b.id()));
        int controllers = (int) nodes.stream().filter(DesiredNode::isController).count();
        if (controllers > 0 && controllers % 2 == 0) {
            problems.add(kafka.warning("", controllers + " controllers: an even number tolerates no more failures than "
                    + (controllers - 1) + "; use an odd number"));
        }
        if (!rackAware) {
            return nodes;
        }
        List<DesiredNode> racked = new ArrayList<>();
        int broker = 0;
        for (DesiredNode n : nodes) {
            String rack = n.isBroker() ? ClusterModel.LOCAL_ZONES.get(broker++ % ClusterModel.LOCAL_ZONES.size()) : null;
            racked.add(new DesiredNode(n.id(), n.pool(), n.roles(), rack, n.volumes(), n.heap(), n.machineConfig()));
        }
        return racked;
    }

    /** The pools whose keks.io/storage- annotations ask their volumes to grow, by name; a bad annotation is a problem. */
    Map<String, StorageGrowth> storageGrowth(List<Sourced<KafkaNodePool>> pools) {
        Map<String, StorageGrowth> out = new LinkedHashMap<>();
        for (Sourced<KafkaNodePool> pool : pools) {
            KafkaNodePool p = pool.resource();
            Map<String, String> ann = Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of());
            long largest = p.getSpec() == null || p.getSpec().getStorage() == null ? 0 : volumes(p.getSpec().getStorage()).stream()
                    .filter(v -> v.type().equals("persistent-claim")).mapToLong(VolumeSpec::sizeBytes).max().orElse(0);
            StorageGrowth.read(ann, largest, (key, message) -> problems.add(pool.error("/metadata/annotations/"
                    + key.replace("~", "~0").replace("/", "~1"), "annotation " + key + " " + message)))
                    .ifPresent(g -> out.put(p.getMetadata().getName(), g));
        }
        return out;
    }

    private static List<VolumeSpec> volumes(Storage storage) {
        List<SingleVolumeStorage> singles = storage instanceof JbodStorage jbod
                ? Optional.ofNullable(jbod.getVolumes()).orElse(List.of())
                : storage instanceof SingleVolumeStorage s ? List.of(s) : List.of();
        List<VolumeSpec> out = new ArrayList<>();
        for (SingleVolumeStorage v : singles) {
            int id = v.getId() == null ? 0 : v.getId();
            boolean shared = v.getKraftMetadata() == KRaftMetadataStorage.SHARED;
            if (v instanceof PersistentClaimStorage pc) {
                out.add(new VolumeSpec(id, "persistent-claim", Quantity.kubernetesBytes(pc.getSize()).orElse(0L),
                        pc.getSize(), pc.getStorageClass(), pc.isDeleteClaim(), shared));
            } else if (v instanceof EphemeralStorage e) {
                out.add(new VolumeSpec(id, "ephemeral", Quantity.kubernetesBytes(e.getSizeLimit()).orElse(0L),
                        e.getSizeLimit(), null, true, shared));
            }
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return List.copyOf(out);
    }

    /** Kafka's threads per listener that accept and answer connections; its default, and the most a shared machine gets. */
    private static final int NETWORK_THREADS = 3;

    /**
     * What keks sizes for a machine that runs every node, before the cluster's config (which wins):
     * <ul>
     * <li>the broker's log cleaner map, when keks sized its heap ({@link HeapSpec#cleanerBufferBytes()});</li>
     * <li>{@code num.network.threads}, half the machine's cores, from 1 to Kafka's 3. Kafka runs that many threads
     * for each listener, and each TLS listener's thread sets up its own TLS context in a new JVM (opening the
     * key and trust stores, and for the replication listener a test handshake). On two cores, one thread per
     * listener started the seed cluster about 1.3 s sooner with 2.4 s less CPU (medians of 4), and produced no slower
     * (BENCHMARKS.md, bench/startup).</li>
     * </ul>
     */
    private Map<String, String> machineConfig(HeapSpec heap, boolean broker) {
        Map<String, String> c = new LinkedHashMap<>();
        if (broker) {
            heap.cleanerBufferBytes().ifPresent(b -> c.put("log.cleaner.dedupe.buffer.size", String.valueOf(b)));
        }
        if (options.sharedCores() > 0) {
            c.put("num.network.threads", String.valueOf(Math.max(1, Math.min(NETWORK_THREADS, options.sharedCores() / 2))));
        }
        return c;
    }

    private HeapSpec heap(Sourced<KafkaNodePool> pool, JvmOptions jvm,
                          ResourceRequirements resources) {
        String requested = null;
        long want;
        if (jvm != null && jvm.getXmx() != null) {
            Optional<Long> xmx = Quantity.jvmBytes(jvm.getXmx());
            if (xmx.isEmpty()) {
                problems.add(pool.error("/spec/jvmOptions/-Xmx", "\"" + jvm.getXmx() + "\" is not a JVM size; write it like 6g or 512m"));
            }
            requested = "-Xmx" + jvm.getXmx();
            want = xmx.orElse(options.maxHeapBytes());
        } else if (resources != null && resources.getLimits() != null && resources.getLimits().get("memory") != null) {
            String limit = resources.getLimits().get("memory").toString();
            requested = "half of the " + limit + " memory limit";
            want = Quantity.kubernetesBytes(limit).orElse(options.maxHeapBytes() * 2) / 2;
        } else {
            want = options.maxHeapBytes();
        }
        long xmx = Math.min(want, options.maxHeapBytes());
        // a cap means one machine runs every node (locally): a heap keks sizes there starts small
        boolean sizedHere = options.maxHeapBytes() != Long.MAX_VALUE && (requested == null || want > xmx);
        long xms = sizedHere ? Math.min(HeapSpec.INITIAL_BYTES, xmx) : xmx;
        if (!sizedHere && jvm != null && jvm.getXms() != null) {
            xms = Math.min(Quantity.jvmBytes(jvm.getXms()).orElse(xmx), xmx);
        }
        return new HeapSpec(Quantity.jvmSize(xms), Quantity.jvmSize(xmx), requested, want > xmx, sizedHere);
    }
}
