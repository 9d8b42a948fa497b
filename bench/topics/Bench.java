import io.keks.engine.AdminTimeouts;
import io.keks.engine.topic.ConfigTurns;
import io.keks.engine.topic.TopicReconciler;
import io.keks.local.ClusterHome;
import io.keks.local.LocalCluster;
import io.keks.model.DesiredTopic;
import java.io.FileReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The two halves of bench/topics that are not the keks command itself.
 *   raw CLIENT_PROPERTIES COUNT PREFIX   creates COUNT topics (1 partition, 3 replicas) in batched
 *                                        createTopics calls and prints the seconds until all are created
 *   delete CLIENT_PROPERTIES PREFIX      deletes every topic whose name starts with PREFIX, waits until gone
 *   resync KEKS_HOME CLUSTER RUNS        runs the topic reconciler over every KafkaTopic of the cluster
 *                                        RUNS times as the operator's periodic resync does (configs read
 *                                        in turns), then once reading every topic's configs, and prints,
 *                                        per pass, seconds and Admin write calls, then the heap in use
 *                                        after a GC with the topics and statuses held
 */
public class Bench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "raw" -> raw(Path.of(args[1]), Integer.parseInt(args[2]), args[3]);
            case "resync" -> resync(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
            case "delete" -> delete(Path.of(args[1]), args[2]);
            default -> throw new IllegalArgumentException(Arrays.toString(args));
        }
    }

    static void raw(Path clientProperties, int count, String prefix) throws Exception {
        Properties p = properties(clientProperties);
        // Kafka's controller takes at most 10,000 metadata records per operation (a topic of one partition
        // is two), so the topics go in calls of 2,500, all sent at once: the same batching keks uses
        List<List<NewTopic>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 2500 == 0) {
                calls.add(new ArrayList<>());
            }
            calls.get(calls.size() - 1).add(new NewTopic(prefix + "-%05d".formatted(i), 1, (short) 3));
        }
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS); // connected before the clock starts
            long start = System.nanoTime();
            List<org.apache.kafka.common.KafkaFuture<Void>> all = new ArrayList<>();
            for (List<NewTopic> call : calls) {
                all.add(admin.createTopics(call).all());
            }
            for (var f : all) {
                f.get(10, TimeUnit.MINUTES);
            }
            System.out.printf("raw %.3f%n", (System.nanoTime() - start) / 1e9);
        }
    }

    static void delete(Path clientProperties, String prefix) throws Exception {
        try (Admin admin = Admin.create(properties(clientProperties))) {
            // a broker lists new topics a moment after the controller created them: list, delete, until none is
            // left, for ten minutes at most
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + prefix + "* still listed after ten minutes of deleting");
                }
                var names = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream().filter(n -> n.startsWith(prefix)).toList();
                if (names.isEmpty()) {
                    return;
                }
                // in calls of 2,500, under the controller's limit of 10,000 records per operation
                for (int i = 0; i < names.size(); i += 2500) {
                    try {
                        admin.deleteTopics(names.subList(i, Math.min(names.size(), i + 2500))).all().get(5, TimeUnit.MINUTES);
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                    }
                }
                Thread.sleep(500);
            }
        }
    }

    static Properties properties(Path file) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file.toFile())) {
            p.load(r);
        }
        return p;
    }

    static void resync(Path home, String cluster, int runs) throws Exception {
        LocalCluster c = LocalCluster.open(new ClusterHome(home), cluster);
        List<DesiredTopic> desired = c.desired().topics();
        List<String> names = desired.stream().map(DesiredTopic::topicName).toList();
        try (Admin admin = c.topicAdmin()) {
            TopicReconciler reconciler = new TopicReconciler(admin, AdminTimeouts.BULK_CALL_MS, 50L << 20);
            // a broker applies new topics to its metadata only after creating their logs: right after 10,000
            // were created it may not list them for a while, and a pass would find them "missing"
            long settling = System.nanoTime();
            while (!admin.listTopics().names().get(60, TimeUnit.SECONDS).containsAll(names)) {
                if (System.nanoTime() - settling > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("the brokers did not list every topic within ten minutes");
                }
                Thread.sleep(1000);
            }
            System.out.printf("listed-by-broker-after %.1f%n", (System.nanoTime() - settling) / 1e9);
            ConfigTurns turns = new ConfigTurns();
            TopicReconciler.Result last = null;
            // the operator's periodic resync: every topic's partitions and replicas, the configs of a share in turns
            for (int i = 0; i < runs; i++) {
                Set<String> turn = turns.next(names);
                long start = System.nanoTime();
                last = reconciler.reconcile(desired, d -> turn.contains(d.topicName()));
                print("resync", start, last, desired.size(), turn.size());
            }
            // and once with every topic's configs read, as `keks apply` of an unchanged file does
            long start = System.nanoTime();
            print("full-pass", start, reconciler.reconcile(desired), desired.size(), desired.size());
            System.gc();
            Thread.sleep(500);
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("heap-after-gc-mb %.1f (holding %d desired topics and %d statuses)%n", used / 1048576.0,
                    desired.size(), last.statuses().size());
        }
    }

    static void print(String what, long start, TopicReconciler.Result r, int topics, int configsRead) {
        double s = (System.nanoTime() - start) / 1e9;
        long ready = r.statuses().stream().filter(t -> t.ready()).count();
        System.out.printf("%s %.3f writes %d topics %d ready %d configs-read %d%n", what, s, r.writeCalls(), topics, ready, configsRead);
    }
}
