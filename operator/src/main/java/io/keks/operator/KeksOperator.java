package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.keks.engine.rebalance.RebalanceReconciler;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The running operator: the Kafka controller on the Java Operator SDK, JVM and reconciliation
 * metrics in a Prometheus registry, the HTTP endpoints, and optional leader election so that of
 * several replicas one reconciles. Plain status patches (no server-side apply), as the API calls
 * that every Kubernetes version and the test's mock server answer alike.
 */
public final class KeksOperator implements AutoCloseable {
    /**
     * @param namespaces     namespaces to watch; empty for all
     * @param leaseNamespace where the leader election lease lives; empty to run without leader election
     */
    public record Config(Set<String> namespaces, Optional<String> leaseNamespace, int httpPort,
                         KafkaReconciliation.Settings settings, Duration topicResync) {
    }

    private final Operator operator;
    private final OperatorEndpoints endpoints;
    private final KafkaTopicBatches topics;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile boolean closing;

    public KeksOperator(KubernetesClient client, KafkaAccess access, Config config) throws IOException {
        ResourceCounts counts = new ResourceCounts(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withStopOnInformerErrorDuringStartup(false)
                    .withCloseClientOnStop(false)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(30))
                    // a reconciliation may wait minutes on a roll; four at once keep the others moving and the footprint small
                    .withConcurrentReconciliationThreads(4);
            config.leaseNamespace().ifPresent(ns -> o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                    .aLeaderElectionConfiguration("keks-operator").withLeaseNamespace(ns)
                    // a replica that loses the lease while running exits, and Kubernetes starts it again as a follower;
                    // one that gives it up because it is stopping must not call System.exit from a shutdown hook
                    .withExitOnStopLeading(false)
                    .withLeaderCallbacks(new LeaderCallbacks(() -> { }, () -> {
                        if (!closing) {
                            Thread.ofPlatform().start(() -> System.exit(1));
                        }
                    }, leader -> { }))
                    .build()));
        });
        operator.register(new KafkaController(new KafkaReconciliation(client, access, config.settings()), counts), c -> {
            if (!config.namespaces().isEmpty()) {
                c.settingNamespaces(config.namespaces());
            }
        });
        topics = new KafkaTopicBatches(client, access, config.topicResync(), 50L * 1024 * 1024);
        operator.register(new KafkaTopicController(topics, counts), c -> {
            if (!config.namespaces().isEmpty()) {
                c.settingNamespaces(config.namespaces());
            }
        });
        operator.register(new KafkaUserController(new KafkaUserReconciliation(client, access), counts), c -> {
            if (!config.namespaces().isEmpty()) {
                c.settingNamespaces(config.namespaces());
            }
        });
        operator.register(new KafkaRebalanceController(new KafkaRebalanceReconciliation(client, access,
                RebalanceReconciler.Settings.defaults()), counts), c -> {
            if (!config.namespaces().isEmpty()) {
                c.settingNamespaces(config.namespaces());
            }
        });
        endpoints = new OperatorEndpoints(config.httpPort(), registry, counts::refresh, () -> operator.getRuntimeInfo().allEventSourcesAreHealthy()
                && operator.getRuntimeInfo().isStarted());
    }

    public void start() {
        operator.start();
    }

    public int httpPort() {
        return endpoints.port();
    }

    /** Stops reconciling (a reconciliation under way gets 30 s to finish), then the endpoints. */
    @Override
    public void close() {
        closing = true;
        operator.stop();
        topics.close();
        endpoints.close();
    }
}
