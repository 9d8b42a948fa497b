package io.keks.model;

import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.cruisecontrol.BrokerCapacity;
import io.strimzi.api.kafka.model.kafka.cruisecontrol.CruiseControlSpec;
import io.strimzi.api.kafka.model.kafka.cruisecontrol.KafkaAutoRebalanceConfiguration;
import io.strimzi.api.kafka.model.rebalance.BrokerAndVolumeIds;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalanceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads {@code spec.cruiseControl} of a Kafka and the KafkaRebalances of its cluster, with a problem for each mistake. */
public final class RebalanceModel {
    private static final Pattern RATE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)/s");
    private static final Set<String> ANNOTATIONS = Set.of("approve", "refresh", "stop", "none");

    private RebalanceModel() {
    }

    /** spec.cruiseControl: null when rebalancing is off. */
    static RebalanceSpec spec(Sourced<Kafka> kafka, List<Problem> problems) {
        CruiseControlSpec cc = kafka.resource().getSpec().getCruiseControl();
        if (cc == null) {
            return null;
        }
        Map<String, String> auto = new LinkedHashMap<>();
        List<KafkaAutoRebalanceConfiguration> modes = cc.getAutoRebalance() == null ? List.of() : cc.getAutoRebalance();
        for (int i = 0; i < modes.size(); i++) {
            KafkaAutoRebalanceConfiguration m = modes.get(i);
            if (m.getMode() == null) {
                problems.add(kafka.error("/spec/cruiseControl/autoRebalance/" + i + "/mode", "mode is missing; use add-brokers or remove-brokers"));
                continue;
            }
            if (auto.put(m.getMode().toValue(), m.getTemplate() == null ? "" : m.getTemplate().getName()) != null) {
                problems.add(kafka.error("/spec/cruiseControl/autoRebalance/" + i + "/mode", "mode " + m.getMode().toValue()
                        + " is listed twice; keep one"));
            }
        }
        BrokerCapacity capacity = cc.getBrokerCapacity();
        long in = capacity == null ? 0 : rate(kafka, "inboundNetwork", capacity.getInboundNetwork(), problems);
        long out = capacity == null ? 0 : rate(kafka, "outboundNetwork", capacity.getOutboundNetwork(), problems);
        return new RebalanceSpec(auto, in, out);
    }

    private static long rate(Sourced<Kafka> kafka, String field, String value, List<Problem> problems) {
        if (value == null) {
            return 0;
        }
        Matcher m = RATE.matcher(value.trim());
        if (!m.matches()) {
            problems.add(kafka.error("/spec/cruiseControl/brokerCapacity/" + field, "\"" + value
                    + "\" is not a rate; write it like 10000KiB/s or 100MB/s"));
            return 0;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "KB" -> n * 1000;
            case "KiB" -> n * 1024;
            case "MB" -> n * 1000_000;
            case "MiB" -> n << 20;
            case "GB" -> n * 1000_000_000;
            case "GiB" -> n << 30;
            default -> n;
        };
    }

    /** The KafkaRebalances labelled for {@code cluster}, checked. */
    static List<DesiredRebalance> rebalances(List<Sourced<KafkaRebalance>> resources, String cluster, List<Problem> problems) {
        List<DesiredRebalance> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Sourced<KafkaRebalance> r : resources) {
            String name = r.resource().getMetadata().getName();
            if (!ClusterModel.labelledFor(r, "KafkaRebalance", cluster, problems)) {
                continue;
            }
            if (!names.add(name)) {
                problems.add(r.error("/metadata/name", "KafkaRebalance " + name + " is given twice; keep one"));
                continue;
            }
            read(r, cluster, problems.size(), problems).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<DesiredRebalance> read(Sourced<KafkaRebalance> r, String cluster, int before, List<Problem> problems) {
        KafkaRebalanceSpec spec = r.resource().getSpec() == null ? new KafkaRebalanceSpec() : r.resource().getSpec();
        String mode = spec.getMode() == null ? "full" : spec.getMode().toValue();
        List<Integer> brokers = spec.getBrokers() == null ? List.of() : spec.getBrokers();
        if ((mode.equals("add-brokers") || mode.equals("remove-brokers")) && brokers.isEmpty()) {
            problems.add(r.error("/spec/brokers", "mode " + mode + " needs spec.brokers: the ids of the brokers "
                    + (mode.equals("add-brokers") ? "added" : "to remove")));
        }
        if (mode.equals("full") && !brokers.isEmpty()) {
            problems.add(r.error("/spec/brokers", "mode full rebalances every broker; remove spec.brokers, or use mode add-brokers"
                    + " or remove-brokers"));
        }
        Map<Integer, List<Integer>> volumes = volumes(r, spec, mode, problems);
        if (spec.getExcludedTopics() != null) {
            try {
                Pattern.compile(spec.getExcludedTopics());
            } catch (PatternSyntaxException e) {
                problems.add(r.error("/spec/excludedTopics", "\"" + spec.getExcludedTopics() + "\" is not a regular expression: "
                        + e.getDescription()));
            }
        }
        int moves = positive(r, "concurrentPartitionMovementsPerBroker", spec.getConcurrentPartitionMovementsPerBroker(),
                DesiredRebalance.DEFAULT_MOVES_PER_BROKER, problems);
        int leaders = positive(r, "concurrentLeaderMovements", spec.getConcurrentLeaderMovements(),
                DesiredRebalance.DEFAULT_LEADER_MOVEMENTS, problems);
        if (spec.getReplicationThrottle() < 0) {
            problems.add(r.error("/spec/replicationThrottle", "replicationThrottle is in bytes per second and cannot be negative"));
        }
        Map<String, String> annotations = r.resource().getMetadata().getAnnotations() == null ? Map.of()
                : r.resource().getMetadata().getAnnotations();
        String annotation = annotations.getOrDefault(DesiredRebalance.ANNOTATION, "");
        if (!annotation.isEmpty() && !ANNOTATIONS.contains(annotation)) {
            problems.add(r.error("/metadata/annotations/strimzi.io~1rebalance", "\"" + annotation
                    + "\" is not a rebalance annotation; use approve, refresh or stop"));
        }
        if (problems.size() > before && problems.subList(before, problems.size()).stream().anyMatch(Problem::isError)) {
            return Optional.empty();
        }
        return Optional.of(new DesiredRebalance(r.resource().getMetadata().getName(), cluster, mode, List.copyOf(brokers),
                spec.getGoals() == null ? List.of() : List.copyOf(spec.getGoals()), spec.isSkipHardGoalCheck(), spec.getExcludedTopics(),
                moves, leaders, spec.getReplicationThrottle(), annotation.equals("none") ? "" : annotation,
                "true".equals(annotations.get(DesiredRebalance.AUTO_APPROVAL)), "true".equals(annotations.get(DesiredRebalance.TEMPLATE)),
                volumes));
    }

    /** spec.moveReplicasOffVolumes of a remove-disks rebalance: broker id to the volume ids to empty. */
    private static Map<Integer, List<Integer>> volumes(Sourced<KafkaRebalance> r, KafkaRebalanceSpec spec, String mode,
                                                       List<Problem> problems) {
        List<BrokerAndVolumeIds> given = spec.getMoveReplicasOffVolumes() == null ? List.of() : spec.getMoveReplicasOffVolumes();
        if (!mode.equals("remove-disks")) {
            if (!given.isEmpty()) {
                problems.add(r.error("/spec/moveReplicasOffVolumes", "moveReplicasOffVolumes is for mode remove-disks; remove it"
                        + " or set mode: remove-disks"));
            }
            return Map.of();
        }
        if (given.isEmpty()) {
            problems.add(r.error("/spec/moveReplicasOffVolumes", "mode remove-disks needs moveReplicasOffVolumes: the brokers and"
                    + " the JBOD volume ids to empty, e.g. [{brokerId: 0, volumeIds: [1]}]"));
        }
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int i = 0; i < given.size(); i++) {
            BrokerAndVolumeIds b = given.get(i);
            if (b.getBrokerId() == null || b.getVolumeIds() == null || b.getVolumeIds().isEmpty()) {
                problems.add(r.error("/spec/moveReplicasOffVolumes/" + i, "each entry needs brokerId and volumeIds"));
                continue;
            }
            out.put(b.getBrokerId(), List.copyOf(b.getVolumeIds()));
        }
        return out;
    }

    private static int positive(Sourced<KafkaRebalance> r, String field, int value, int fallback, List<Problem> problems) {
        if (value < 0) {
            problems.add(r.error("/spec/" + field, field + " must be 1 or more (" + fallback + " when not set)"));
        }
        return value <= 0 ? fallback : value;
    }
}
