package io.keks.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.keks.engine.ManifestFiles;
import io.keks.model.manifest.Manifests;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * bench/operator's driver: an API server (the fabric8 mock, in this JVM), N copies of the seed's
 * Kafka and pools in namespaces bench-1..N, and the operator in its own JVM (OperatorBenchMain) with
 * the heap its Helm chart gives it. Every copy is backed by the one real local Kafka cluster that
 * run.sh started, so each reconciliation observes real Kafka. Prints: seconds until every Kafka was
 * Ready, the operator's mean reconciliation time (from its own metrics), and its resident memory.
 * The operator JVM gets OPERATOR_CP: the image's class path (target/keks-operator/lib) and the bench's
 * own classes, so it runs with what the image holds and nothing the test class path adds.
 *   java -cp CP io.keks.operator.bench.OperatorBench N CLIENT_PROPERTIES EXAMPLES_DIR OPERATOR_CP JAVA_OPTS...
 */
public final class OperatorBench {
    private OperatorBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path clientProperties = Path.of(args[1]);
        Manifests seed = ManifestFiles.read(List.of(Path.of(args[2]).resolve("kafka-manifests")));
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        for (int i = 1; i <= n; i++) {
            String ns = "bench-" + i;
            Kafka k = seed.kafkas().get(0).resource();
            k.getMetadata().setNamespace(ns);
            client.resources(Kafka.class).inNamespace(ns).resource(k).create();
            for (var p : seed.nodePools()) {
                KafkaNodePool pool = p.resource();
                pool.getMetadata().setNamespace(ns);
                client.resources(KafkaNodePool.class).inNamespace(ns).resource(pool).create();
            }
        }
        int httpPort;
        try (var s = new java.net.ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (int i = 4; i < args.length; i++) {
            cmd.add(args[i]);
        }
        cmd.addAll(List.of("-cp", args[3], OperatorBenchMain.class.getName(),
                client.getConfiguration().getMasterUrl(), clientProperties.toString(), String.valueOf(httpPort)));
        long start = System.nanoTime();
        Path log = Files.createTempFile("keks-operator-bench", ".log");
        Process operator = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ok = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!allReady(client, n)) {
                if (!operator.isAlive()) {
                    throw new IllegalStateException("the operator exited");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every Kafka was Ready ten minutes after the operator started; see " + log);
                }
                Thread.sleep(100);
            }
            double readySeconds = (System.nanoTime() - start) / 1e9;
            // steady state: the periodic reconciliations run; sample the resident memory meanwhile
            List<Long> rss = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread.sleep(1000);
                rss.add(rssKib(operator.pid()));
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            double[] reconcile = meanReconcile(metrics);
            if (System.getenv("KEKS_BENCH_NMT") != null) {
                // with -XX:NativeMemoryTracking=summary among the JVM options: where the resident memory goes
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(operator.pid()),
                        "VM.native_memory", "summary").inheritIO().start().waitFor();
            }
            rss.sort(Long::compare);
            System.out.printf("clusters=%d ready_s=%.1f reconciles=%d mean_reconcile_ms=%.1f rss_mib_median=%.1f rss_mib_max=%.1f%n",
                    n, readySeconds, (long) reconcile[1], reconcile[0] * 1000, rss.get(rss.size() / 2) / 1024.0,
                    rss.get(rss.size() - 1) / 1024.0);
            ok = true;
        } finally {
            operator.destroy();
            operator.waitFor();
            if (ok) {
                Files.deleteIfExists(log);
            } else {
                System.err.println("the operator's log: " + log);
            }
            client.close();
            server.destroy();
        }
    }

    static boolean allReady(KubernetesClient client, int n) {
        for (int i = 1; i <= n; i++) {
            Kafka k = client.resources(Kafka.class).inNamespace("bench-" + i).withName("cluster").get();
            if (k.getStatus() == null || k.getStatus().getConditions().stream()
                    .noneMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"))) {
                return false;
            }
        }
        return true;
    }

    static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Mean seconds and count of the Kafka controller's reconciliations, from the SDK's timer in the scrape. */
    static double[] meanReconcile(String scrape) {
        double sum = 0;
        double count = 0;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("#") || !line.contains("controller=\"kafka\"")) {
                continue;
            }
            String metric = line.substring(0, line.indexOf('{'));
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (metric.equals("operator_sdk_controllers_execution_reconcile_seconds_sum")) {
                sum += value;
            } else if (metric.equals("operator_sdk_controllers_execution_reconcile_seconds_count")) {
                count += value;
            }
        }
        return new double[] {count == 0 ? Double.NaN : sum / count, count};
    }
}
