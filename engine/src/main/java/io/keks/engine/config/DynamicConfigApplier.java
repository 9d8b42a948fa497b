package io.keks.engine.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/** Observes the cluster's dynamic broker config, plans with {@link DynamicConfigPlan} and makes the live changes in one call. */
public final class DynamicConfigApplier {
    private final Admin admin;
    private final long timeoutMs;

    public DynamicConfigApplier(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param changes  one line per change made, e.g. "log.retention.ms=3600000 (cluster-wide, live)"
     * @param refused  Kafka's reason when it refused the change; then nothing changed
     */
    public record Result(DynamicConfigPlan plan, List<String> changes, Optional<String> refused) {
        /** The dynamic keys keks owns now: the plan's when the change went through, the earlier ones if not. */
        public Set<String> managed(Set<String> before) {
            return refused.isPresent() ? before : plan.managed();
        }
    }

    public Result apply(Map<String, String> desired, Set<String> managedBefore, Map<String, String> running,
                        List<Integer> brokerIds, ConfigModes modes) throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        ConfigResource first = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(brokerIds.get(0)));
        Map<ConfigResource, Config> live = admin.describeConfigs(List.of(defaults, first)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, String> liveDefaults = values(live.get(defaults), ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        Map<String, String> livePerBroker = values(live.get(first), ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
        DynamicConfigPlan plan = DynamicConfigPlan.of(desired, liveDefaults, livePerBroker, managedBefore, running, modes);
        if (!plan.liveChanges()) {
            return new Result(plan, List.of(), Optional.empty());
        }
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        List<String> changes = new ArrayList<>();
        List<AlterConfigOp> defaultOps = new ArrayList<>();
        plan.clusterWide().forEach((k, v) -> {
            defaultOps.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET));
            changes.add(k + "=" + v + " (cluster-wide, live)");
        });
        for (String k : plan.delete()) {
            if (liveDefaults.containsKey(k)) {
                defaultOps.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE));
                changes.add(k + " removed (cluster-wide, live; no longer in the manifest)");
            }
        }
        if (!defaultOps.isEmpty()) {
            ops.put(defaults, defaultOps);
        }
        for (int id : brokerIds) {
            List<AlterConfigOp> brokerOps = new ArrayList<>();
            plan.perBroker().forEach((k, v) -> brokerOps.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            plan.delete().stream().filter(livePerBroker::containsKey)
                    .forEach(k -> brokerOps.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
            if (!brokerOps.isEmpty()) {
                ops.put(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id)), brokerOps);
            }
        }
        plan.perBroker().forEach((k, v) -> changes.add(k + "=" + v + " (on each broker, live)"));
        plan.delete().stream().filter(livePerBroker::containsKey)
                .forEach(k -> changes.add(k + " removed (on each broker, live; no longer in the manifest)"));
        try {
            // validate first, so that a value Kafka refuses leaves every broker as it was
            admin.incrementalAlterConfigs(ops, new AlterConfigsOptions().validateOnly(true))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            admin.incrementalAlterConfigs(ops).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return new Result(plan, List.of(), Optional.of(e.getCause().getMessage()));
        }
        return new Result(plan, changes, Optional.empty());
    }

    private static Map<String, String> values(Config config, ConfigEntry.ConfigSource source) {
        Map<String, String> m = new HashMap<>();
        if (config != null) {
            config.entries().stream().filter(e -> e.source() == source && e.value() != null).forEach(e -> m.put(e.name(), e.value()));
        }
        return m;
    }
}
