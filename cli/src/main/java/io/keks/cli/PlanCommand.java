package io.keks.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keks.engine.plan.CapacityPlan;
import io.keks.engine.plan.CapacityPlanner;
import io.keks.engine.plan.PlanInput;
import io.keks.engine.plan.PriceTable;
import io.keks.model.StorageGrowth;
import io.strimzi.api.kafka.model.kafka.JbodStorageBuilder;
import io.strimzi.api.kafka.model.kafka.KRaftMetadataStorage;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorageBuilder;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolBuilder;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", sortOptions = false,
        description = {"Size a Kafka cluster on EKS from what you know: brokers, instance type, volumes, cost.",
                "From the write rate, how often each record is read, how long it is kept, the replication factor and the",
                "zones, keks proposes the broker count and instance type, and a volume type (gp3, st1, io2 Block Express,",
                "or NVMe instance storage) with size, IOPS and throughput, checked against the instance's baseline network",
                "and EBS bandwidth and the volume type's limits, with a monthly cost from a dated price table. Each choice",
                "says why in one line. -o yaml prints the KafkaNodePools and StorageClasses that implement the plan, for",
                "keks apply or kubectl apply. Nothing runs and nothing is stored. docs/storage.md has worked examples."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks plan --write-mbps 1.2 --retention 7d                 # the seed's cluster: 3 brokers, gp3, 1000 GiB",
                "  keks plan --write-mbps 20 --retention 30d --read-fanout 1  # long retention: st1",
                "  keks plan --write-mbps 200 --retention 1d --priority latency  # NVMe instance storage",
                "  keks plan --write-mbps 50 --retention 3d -o yaml > pools.yaml && keks apply -f pools.yaml",
                "  keks plan --print-prices > my-prices.csv   # edit, then: keks plan ... --prices my-prices.csv"})
final class PlanCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(w|d|h|m)");

    @Option(names = "--write-mbps", paramLabel = "MB/s", description = "What producers write, in MB/s before replication (required).")
    Double writeMBps;

    @Option(names = "--read-fanout", paramLabel = "N", description = "How many consumer groups read every record (default 2).")
    double readFanout = 2;

    @Option(names = "--retention", paramLabel = "DURATION", description = "How long records are kept: 7d (default), 72h, 2w.")
    String retention = "7d";

    @Option(names = "--replication-factor", paramLabel = "N", description = "Copies of each partition (default 3).")
    int replicationFactor = 3;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions over all topics, when known: checks replicas per broker.")
    int partitions;

    @Option(names = "--zones", paramLabel = "N", description = "Availability zones the brokers spread over (default 3).")
    int zones = 3;

    @Option(names = "--priority", paramLabel = "cost|latency", description = "What matters more: the monthly bill (default) or each"
            + " millisecond.")
    String priority = "cost";

    @Option(names = "--name", paramLabel = "NAME", description = "The Kafka the pools are for (default cluster, the seed's).")
    String name = "cluster";

    @Option(names = "--namespace", paramLabel = "NS", description = "Their namespace (default kafka).")
    String namespace = "kafka";

    @Option(names = "--prices", paramLabel = "FILE", description = "A price table of your own (start from --print-prices).")
    Path prices;

    @Option(names = "--print-prices", description = "Print the bundled price table, with its date and columns, and exit.")
    boolean printPrices;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default): the plan and its reasons; yaml: the"
            + " manifests that implement it; json: the plan as data.")
    String output = "text";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printPrices) {
            try (var in = PriceTable.class.getResourceAsStream("aws-us-east-1.csv")) {
                out.print(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            out.flush();
            return 0;
        }
        if (!List.of("text", "yaml", "json").contains(output)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o " + output + " is not a format; use text, yaml or json");
        }
        if (writeMBps == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--write-mbps is missing: what producers write, in MB/s"
                    + " (for example --write-mbps 50)");
        }
        if (!priority.equals("cost") && !priority.equals("latency")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--priority " + priority + " is not a priority; use cost or latency");
        }
        Duration kept = duration(retention);
        PriceTable table;
        try {
            table = prices == null ? PriceTable.bundled() : PriceTable.read(prices.toString(), Files.readString(prices));
        } catch (NoSuchFileException e) {
            err.println("error: --prices " + prices + ": no such file; `keks plan --print-prices > " + prices + "` writes one to edit");
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        PlanInput in = new PlanInput(writeMBps, readFanout, kept, replicationFactor, partitions, zones,
                priority.equals("cost") ? PlanInput.Priority.COST : PlanInput.Priority.LATENCY);
        CapacityPlan plan;
        try {
            plan = CapacityPlanner.plan(in, table);
        } catch (IllegalArgumentException e) {
            for (String line : e.getMessage().split("\n")) {
                err.println("error: " + line);
            }
            return 2;
        }
        switch (output) {
            case "json" -> out.println(new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(plan));
            case "yaml" -> {
                List<String> args = spec.commandLine().getParseResult().originalArgs();
                // the arguments as given, whether picocli counts the subcommand's name among them or not
                String given = String.join(" ", args);
                out.println("# keks " + (given.startsWith("plan") ? given : "plan " + given));
                for (String reason : plan.reasons()) {
                    out.println("#   " + reason);
                }
                for (HasMetadata o : manifests(plan)) {
                    out.print(Serialization.asYaml(o));
                }
            }
            default -> text(plan, out);
        }
        out.flush();
        return 0;
    }

    private Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--retention " + text + " is not a duration; write it like 7d,"
                    + " 72h, 2w or 90m");
        }
        double n = Double.parseDouble(m.group(1));
        long minutes = Math.round(n * switch (m.group(2)) {
            case "w" -> 7 * 24 * 60;
            case "d" -> 24 * 60;
            case "h" -> 60;
            default -> 1;
        });
        return Duration.ofMinutes(minutes);
    }

    static void text(CapacityPlan p, PrintWriter out) {
        PlanInput in = p.input();
        out.printf(Locale.ROOT, "For %s MB/s written, read %sx, kept %s, replication factor %d, %d zone%s, %s first%n",
                num(in.writeMBps()), num(in.readFanout()), days(in.retention()), in.replicationFactor(), in.zones(), in.zones() == 1 ? "" : "s",
                in.priority().name().toLowerCase(Locale.ROOT));
        out.println("Prices: " + p.prices());
        out.println();
        out.printf(Locale.ROOT, "  brokers      %d x %s%n", p.brokers(), p.instance());
        out.printf(Locale.ROOT, "  volume       %s%n", volume(p));
        out.printf(Locale.ROOT, "  controllers  %d x %s, %s %d GiB%n", p.controllers(), p.controllerInstance(), p.controllerVolumeType(),
                p.controllerVolumeGib());
        out.println();
        out.println("Why:");
        p.reasons().forEach(r -> out.println("  - " + r));
        out.println();
        out.println("Checked, per broker:");
        for (CapacityPlan.Check c : p.checks()) {
            out.printf(Locale.ROOT, "  %-42s %12s of %-12s %3d%%%n", c.what(), num(c.need()) + (c.unit().isEmpty() ? "" : " " + c.unit()),
                    num(c.limit()) + (c.unit().isEmpty() ? "" : " " + c.unit()), c.percent());
        }
        out.println();
        CapacityPlan.Cost c = p.cost();
        out.println("Monthly cost (USD):");
        out.printf(Locale.ROOT, "  brokers           %,10.0f%n  broker volumes    %,10.0f%n  controllers       %,10.0f%n"
                + "  cross-zone data   %,10.0f%n  total             %,10.0f%n", c.brokers(), c.brokerVolumes(), c.controllers(), c.crossZone(),
                c.total());
        if (!p.notes().isEmpty()) {
            out.println();
            out.println("Notes:");
            p.notes().forEach(n -> out.println("  - " + n));
        }
        out.println();
        out.println("The KafkaNodePools and StorageClasses of this plan: the same command with -o yaml.");
    }

    private static String volume(CapacityPlan p) {
        return switch (p.volumeType()) {
            case "nvme" -> "NVMe instance store, " + p.volumeGib() + " GiB per broker";
            case "st1" -> "st1 " + p.volumeGib() + " GiB per broker (" + p.throughputMibps() + " MiB/s sustained)";
            case "io2" -> "io2 Block Express " + p.volumeGib() + " GiB per broker, " + p.iops() + " IOPS";
            default -> "gp3 " + p.volumeGib() + " GiB per broker, " + p.iops() + " IOPS, " + p.throughputMibps() + " MiB/s";
        };
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String days(Duration d) {
        return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }

    /** The StorageClasses and the two KafkaNodePools of the plan. */
    List<HasMetadata> manifests(CapacityPlan p) {
        List<HasMetadata> out = new ArrayList<>();
        StorageClass broker = storageClass(p.volumeType(), p.iops(), p.throughputMibps());
        StorageClass controller = storageClass(p.controllerVolumeType(), p.controllerIops(), 125);
        out.add(broker);
        if (!controller.getMetadata().getName().equals(broker.getMetadata().getName())) {
            out.add(controller);
        }
        Map<String, String> grow = new LinkedHashMap<>();
        if (p.autoGrow()) {
            grow.put(StorageGrowth.ENABLED, "true");
            grow.put(StorageGrowth.AT_PERCENT, "80");
        }
        out.add(pool("broker", ProcessRoles.BROKER, p.brokers(), p.volumeGib(), broker, p.instance(), grow));
        out.add(pool("controller", ProcessRoles.CONTROLLER, p.controllers(), p.controllerVolumeGib(), controller, p.controllerInstance(),
                Map.of(StorageGrowth.ENABLED, "true")));
        return out;
    }

    private static StorageClass storageClass(String type, long iops, long mibps) {
        if (type.equals("nvme")) {
            // local volumes: a static provisioner (for example the Kubernetes sig-storage local volume provisioner) makes a
            // PersistentVolume of each node's instance store; the claim binds where its pod is scheduled
            return new StorageClassBuilder().withNewMetadata().withName("keks-local-nvme").endMetadata()
                    .withProvisioner("kubernetes.io/no-provisioner").withVolumeBindingMode("WaitForFirstConsumer")
                    .withReclaimPolicy("Delete").build();
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("type", type);
        String name = "keks-" + type;
        if (type.equals("gp3")) {
            params.put("iops", String.valueOf(iops));
            params.put("throughput", String.valueOf(mibps));
            name += "-" + iops + "-" + mibps;
        } else if (type.equals("io2")) {
            params.put("iops", String.valueOf(iops));
            name += "-" + iops;
        }
        params.put("encrypted", "true");
        params.put("csi.storage.k8s.io/fstype", "xfs");
        return new StorageClassBuilder().withNewMetadata().withName(name).endMetadata().withProvisioner("ebs.csi.aws.com")
                .withParameters(params).withAllowVolumeExpansion(true).withVolumeBindingMode("WaitForFirstConsumer")
                .withReclaimPolicy("Retain").build();
    }

    private KafkaNodePool pool(String pool, ProcessRoles role, int replicas, long gib, StorageClass cls, String instance,
                               Map<String, String> annotations) {
        boolean local = cls.getProvisioner().equals("kubernetes.io/no-provisioner");
        return new KafkaNodePoolBuilder().withNewMetadata().withName(pool).withNamespace(namespace)
                .addToLabels("strimzi.io/cluster", name).withAnnotations(local ? Map.of() : annotations).endMetadata()
                .withNewSpec().withReplicas(replicas).withRoles(role)
                .withStorage(new JbodStorageBuilder().withVolumes(new PersistentClaimStorageBuilder().withId(0).withSize(gib + "Gi")
                        .withStorageClass(cls.getMetadata().getName()).withDeleteClaim(false).withKraftMetadata(KRaftMetadataStorage.SHARED)
                        .build()).build())
                .withNewTemplate().withNewPod().withAffinity(new AffinityBuilder().withNewNodeAffinity()
                        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                        .withMatchExpressions(new NodeSelectorRequirementBuilder().withKey("node.kubernetes.io/instance-type")
                                .withOperator("In").withValues(instance).build()).endNodeSelectorTerm()
                        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()).endPod().endTemplate()
                .endSpec().build();
    }
}
