package io.keks.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.keks.operator.KafkaReconciliation;
import io.keks.operator.KeksOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The operator as bench/operator runs it: the production KeksOperator in its own JVM, talking to
 * the API server at MASTER_URL, and reaching Kafka through a client properties file instead of
 * pod DNS names (there are no pods to resolve outside Kubernetes).
 *   java -cp CP io.keks.operator.bench.OperatorBenchMain MASTER_URL CLIENT_PROPERTIES HTTP_PORT
 */
public final class OperatorBenchMain {
    private OperatorBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        io.keks.operator.logging.JsonLogs.install();
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[1]))) {
            props.load(r);
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl(args[0]).withTrustCerts(true).build()).build();
        KeksOperator operator = new KeksOperator(client, cluster -> props,
                new KeksOperator.Config(Set.of(), Optional.empty(), Integer.parseInt(args[2]), KafkaReconciliation.Settings.defaults(), java.time.Duration.ofMinutes(10)));
        operator.start();
        System.out.println("operator started");
        new CountDownLatch(1).await();
    }
}
