package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.keks.engine.AdminTimeouts;
import io.keks.engine.metrics.ExporterServer;
import io.keks.model.ExporterSpec;
import io.keks.operator.logging.JsonLogs;
import io.keks.operator.resources.RenderOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The keks operator image's entry point. */
@Command(name = "keks-operator", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        description = "The keks operator: Apache Kafka in KRaft mode from Strimzi custom resources.",
        subcommands = {OperatorMain.Run.class, OperatorMain.Rack.class, OperatorMain.Exporter.class})
public final class OperatorMain {
    private OperatorMain() {
    }

    public static void main(String[] args) {
        JsonLogs.install();
        CommandLine cli = new CommandLine(new OperatorMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Command(name = "run", description = {"Run the operator: reconcile every Kafka (with its KafkaNodePools) in the watched",
            "namespaces, serve /metrics, /healthz and /readyz, and stop cleanly on SIGTERM."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--namespaces", paramLabel = "NS[,NS...]", split = ",", defaultValue = "${env:KEKS_WATCH_NAMESPACES:-}",
                description = "Namespaces to watch (default: all, or KEKS_WATCH_NAMESPACES).")
        List<String> namespaces = new ArrayList<>();

        @Option(names = "--lease-namespace", paramLabel = "NS", defaultValue = "${env:KEKS_LEASE_NAMESPACE:-}",
                description = "Run leader election with a Lease in this namespace, so that one of several replicas reconciles"
                        + " (default: KEKS_LEASE_NAMESPACE; none: no leader election).")
        String leaseNamespace;

        @Option(names = "--http-port", defaultValue = "8080", description = "Port of /metrics, /healthz and /readyz (default ${DEFAULT-VALUE}).")
        int httpPort;

        @Option(names = "--operator-image", defaultValue = "${env:KEKS_OPERATOR_IMAGE:-" + RenderOptions.DEFAULT_OPERATOR_IMAGE + "}",
                description = "This operator's image, which rack-aware brokers run as their init container.")
        String operatorImage;

        @Option(names = "--kafka-image-repository", defaultValue = "${env:KEKS_KAFKA_IMAGE_REPOSITORY:-" + RenderOptions.DEFAULT_KAFKA_REPOSITORY + "}",
                description = "Repository of the Kafka image; the tag is the Kafka version (default ${DEFAULT-VALUE}).")
        String kafkaRepository;

        @Option(names = "--topic-resync", paramLabel = "DURATION", defaultValue = "${env:KEKS_TOPIC_RESYNC:-PT10M}",
                description = {"How often every KafkaTopic is compared with Kafka again though nothing changed, as an ISO-8601",
                        "duration (default ${DEFAULT-VALUE}, or KEKS_TOPIC_RESYNC). A pass over topics in sync only reads; it",
                        "compares every topic's partitions and replicas, and the configs of a share of the topics in turns",
                        "(all of them within ten passes; a changed KafkaTopic has its configs compared at once)."})
        Duration topicResync;

        @Override
        public Integer call() throws Exception {
            KubernetesClient client = new KubernetesClientBuilder().build();
            KafkaReconciliation.Settings defaults = KafkaReconciliation.Settings.defaults();
            KafkaReconciliation.Settings settings = new KafkaReconciliation.Settings(
                    new RenderOptions(operatorImage, kafkaRepository, Optional.empty()), defaults.roll(),
                    defaults.drainThrottleBytes(), defaults.requeue());
            Set<String> watched = new TreeSet<>(namespaces.stream().map(String::trim).filter(n -> !n.isEmpty()).toList());
            KeksOperator operator = new KeksOperator(client, KafkaAccess.inCluster(client), new KeksOperator.Config(watched,
                    Optional.ofNullable(leaseNamespace).filter(n -> !n.isBlank()), httpPort, settings, topicResync));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                operator.close();
                client.close();
                stopped.countDown();
            }));
            operator.start();
            LoggerFactory.getLogger(OperatorMain.class).info("keks operator started, watching {}, endpoints on port {}",
                    watched.isEmpty() ? "all namespaces" : watched, operator.httpPort());
            stopped.await();
            return 0;
        }
    }

    @Command(name = "rack", description = {"Init container of a rack-aware broker: writes the value of its Kubernetes node's",
            "topology label to a file, which the broker's start script turns into broker.rack."})
    static final class Rack implements Callable<Integer> {
        @Option(names = "--topology-key", required = true, paramLabel = "LABEL", description = "The node label, e.g. topology.kubernetes.io/zone.")
        String topologyKey;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the rack.")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                String rack = RackInit.writeRack(client, System.getenv("KEKS_NODE_NAME"), topologyKey, out);
                System.out.println("broker.rack=" + rack + " (label " + topologyKey + " of node " + System.getenv("KEKS_NODE_NAME") + ")");
            }
            return 0;
        }
    }

    @Command(name = "exporter", description = {"The consumer-lag exporter of spec.kafkaExporter: polls Kafka on an interval with one",
            "Admin client and serves kafka_exporter's metrics (kafka_consumergroup_lag, ...) at /metrics."})
    static final class Exporter implements Callable<Integer> {
        @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,...]", description = "Brokers to reach.")
        String bootstrap;

        @Option(names = "--port", defaultValue = "9404", description = "Port of /metrics (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT30S",
                description = "How often Kafka is polled, as an ISO-8601 duration (default ${DEFAULT-VALUE}).")
        Duration interval;

        @Option(names = "--topic-regex", defaultValue = ".*", description = "Topics whose name this matches somewhere (default ${DEFAULT-VALUE}).")
        String topicRegex;

        @Option(names = "--topic-exclude-regex", description = "Leave out topics whose name this matches somewhere.")
        String topicExcludeRegex;

        @Option(names = "--group-regex", defaultValue = ".*", description = "Consumer groups whose id this matches somewhere (default ${DEFAULT-VALUE}).")
        String groupRegex;

        @Option(names = "--group-exclude-regex", description = "Leave out groups whose id this matches somewhere.")
        String groupExcludeRegex;

        @Option(names = "--command-config", paramLabel = "FILE",
                description = "Kafka client properties added to the connection (the operator mounts mutual-TLS ones in a secured cluster).")
        Path commandConfig;

        @Option(names = "--show-all-offsets", defaultValue = "true", arity = "1",
                description = "false: only groups with members right now (default ${DEFAULT-VALUE}).")
        boolean showAllOffsets;

        @Override
        public Integer call() throws Exception {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "keks-lag-exporter");
            p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
            if (commandConfig != null) {
                try (var in = Files.newBufferedReader(commandConfig)) {
                    p.load(in);
                }
            }
            var spec = new ExporterSpec(topicRegex, topicExcludeRegex, groupRegex, groupExcludeRegex, showAllOffsets);
            var log = LoggerFactory.getLogger(Exporter.class);
            try (var admin = Admin.create(AdminTimeouts.bulk(p));
                 var server = new ExporterServer(new InetSocketAddress(port), admin, () -> spec,
                         interval, log::warn)) {
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                log.info("consumer-lag exporter serving /metrics on port {}, polling {} every {}", server.port(), bootstrap, interval);
                stopped.await();
            }
            return 0;
        }
    }
}
