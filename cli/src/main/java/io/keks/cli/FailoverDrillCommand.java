package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.local.Supervisor;
import io.keks.model.DesiredNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "failover-drill", description = {
        "Kill a broker under load and show the cluster recover with no acknowledged record lost.",
        "A producer (acks=all, idempotent) writes numbered records to a topic of 3 replicas with",
        "min.insync.replicas 2; the broker leading most of its partitions is frozen (SIGSTOP) for --down-for",
        "seconds, as a node lost from the network, then killed (SIGKILL); the drill prints,",
        "as they happen, the in-sync replicas shrinking and leaders moving, the broker coming back (restarted",
        "by keks' supervisor, or by the drill when none runs) and the replicas catching up; then it reads the",
        "topic back and checks every acknowledged record is there.",
        "Exits 0 when the cluster recovered and no acknowledged record was lost, 1 otherwise."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks failover-drill", "  keks failover-drill --broker 1 --rate 2000"})
final class FailoverDrillCommand implements Callable<Integer> {
    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "failover-drill",
            description = "Topic to write to; made when missing with 6 partitions, 3 replicas, min.insync.replicas 2 (default: failover-drill).")
    String topic;

    @Option(names = "--broker", paramLabel = "ID", description = "Broker to kill (default: the one leading most of the topic's partitions).")
    Integer broker;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "500", description = "Records per second to send (default: 500).")
    int rate;

    @Option(names = "--before", paramLabel = "SECONDS", defaultValue = "5", converter = PositiveSeconds.class,
            description = "How long to produce before the kill (default: 5).")
    int beforeSeconds;

    @Option(names = "--down-for", paramLabel = "SECONDS", defaultValue = "15",
            description = {"How long the broker is frozen (SIGSTOP) before it is killed, as a node that dropped off the network"
                    + " is gone before it is replaced: long enough (over broker.session.timeout.ms, 9 s) for the controllers to fence it,"
                    + " shrink the in-sync replicas and move its leaders (default: 15). 0: killed at once, and keks' supervisor"
                    + " restarts it within seconds, often before anything shows."})
    int downForSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180", converter = PositiveSeconds.class,
            description = "How long to wait for every partition to have all its replicas in sync again (default: 180).")
    int timeoutSeconds;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    private long started;
    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (downForSeconds < 0 || downForSeconds > 600) {
            throw new ParameterException(spec.commandLine(), "--down-for must be between 0 and 600 seconds, not " + downForSeconds);
        }
        if (rate <= 0 || rate > 100_000) {
            throw new ParameterException(spec.commandLine(), "--rate must be between 1 and 100000 records per second, not " + rate);
        }
        LocalCluster cluster = client.cluster.open();
        Properties props = client.properties();
        try (Admin admin = Admin.create(props)) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            if (brokers < 3) {
                spec.commandLine().getErr().println("error: the drill needs at least 3 brokers running (a topic of 3 replicas keeps taking acks=all"
                        + " writes with one of them down); this cluster has " + brokers);
                return 2;
            }
            TopicDescription described = ensureTopic(admin);
            started = System.nanoTime();
            try (Load load = new Load(props, topic, rate)) {
                say("producing to %s (%d partitions, %d replicas) at %d records/s, acks=all", topic, described.partitions().size(),
                        described.partitions().get(0).replicas().size(), rate);
                Thread.sleep(beforeSeconds * 1000L);
                int victim = broker != null ? broker : mostLeaders(described);
                DesiredNode node = cluster.desired().brokers().stream().filter(n -> n.id() == victim).findFirst().orElse(null);
                Optional<ProcessHandle> process = cluster.process(victim);
                if (node == null || process.isEmpty()) {
                    spec.commandLine().getErr().println("error: broker " + victim + (node == null ? " is not a broker of this cluster"
                            : " is not running") + "; brokers: " + cluster.desired().brokers().stream().map(DesiredNode::id).toList());
                    return 2;
                }
                boolean supervised = Supervisor.process(cluster.dir()).isPresent();
                ProcessHandle victimProcess = process.get();
                say("%,d records acknowledged so far; broker %d leads %d of %d partitions", load.acked(), victim,
                        leaders(described, victim), described.partitions().size());
                // a frozen broker is never left behind: ^C or a failure kills it, and keks' supervisor restarts it
                Thread guard = new Thread(victimProcess::destroyForcibly);
                Runtime.getRuntime().addShutdownHook(guard);
                if (downForSeconds > 0) {
                    say("freezing broker %d (SIGSTOP, pid %d) for %d s, as a node that dropped off the network: it answers nothing,"
                            + " its session with the controllers lapses", victim, victimProcess.pid(), downForSeconds);
                    signal("STOP", victimProcess.pid());
                } else {
                    kill(victim, victimProcess);
                }
                boolean recovered;
                try {
                    recovered = watch(admin, cluster, node, victimProcess, supervised, load);
                } finally {
                    victimProcess.destroyForcibly();
                    Runtime.getRuntime().removeShutdownHook(guard);
                }
                // a last stretch of records sent to the whole cluster, so the check also covers writes after the recovery
                Thread.sleep(2000);
                load.close();
                return verify(props, load, recovered) ? 0 : 1;
            }
        }
    }

    /** Prints what changes until the broker is back and every partition has all its replicas in sync; false on timeout. */
    private boolean watch(Admin admin, LocalCluster cluster, DesiredNode node, ProcessHandle victim, boolean supervised, Load load)
            throws Exception {
        long oldPid = victim.pid();
        long killedAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(downForSeconds);
        long deadline = killedAt + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        boolean killed = downForSeconds == 0;
        boolean back = false;
        boolean shrank = false;
        boolean startedByDrill = false;
        int wholeSinceBack = 0;
        String lastIsr = "";
        while (System.nanoTime() < deadline) {
            if (!killed && System.nanoTime() >= killedAt) {
                kill(node.id(), victim);
                killed = true;
            }
            if (killed && !back) {
                Optional<ProcessHandle> now = cluster.process(node.id());
                if (now.isPresent() && now.get().pid() != oldPid) {
                    back = true;
                    say("broker %d running again (pid %d, %s)", node.id(), now.get().pid(),
                            startedByDrill ? "started by the drill" : "restarted by keks' supervisor");
                } else if (!supervised && !startedByDrill && System.nanoTime() - killedAt > Duration.ofSeconds(10).toNanos()) {
                    say("no supervisor runs for this cluster; the drill starts broker %d again", node.id());
                    cluster.start(node);
                    startedByDrill = true;
                }
            }
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(500);
                continue;
            }
            int under = 0;
            for (TopicPartitionInfo p : d.partitions()) {
                under += p.isr().size() < p.replicas().size() ? 1 : 0;
            }
            String isr = under + "/" + leaderCounts(d);
            if (!isr.equals(lastIsr)) {
                lastIsr = isr;
                if (under > 0) {
                    shrank = true;
                    say("%d of %d partitions under-replicated; leaders by broker %s; %,d acknowledged, %d send errors", under,
                            d.partitions().size(), leaderCounts(d), load.acked(), load.errors());
                } else if (shrank || back) {
                    say("all %d partitions have every replica in sync; leaders by broker %s; %,d acknowledged, %d send errors",
                            d.partitions().size(), leaderCounts(d), load.acked(), load.errors());
                }
            }
            // whole again after the shrink; or, if the shrink and the catch-up both fell between two looks,
            // whole for two seconds after the broker came back and registered again
            wholeSinceBack = back && under == 0 && registered(admin, node.id()) ? wholeSinceBack + 1 : 0;
            if (killed && back && under == 0 && (shrank || wholeSinceBack >= 8)) {
                if (!shrank) {
                    say("no partition was seen under-replicated: broker %d caught up between two looks", node.id());
                }
                return true;
            }
            Thread.sleep(250);
        }
        say("timed out after %d s: %s", timeoutSeconds, back ? "the replicas of broker " + node.id() + " did not catch up"
                : "broker " + node.id() + " did not come back (see `keks status` and its log, " + cluster.logFile(node.id()) + ")");
        return false;
    }

    private void kill(int id, ProcessHandle victim) {
        say("killing broker %d (SIGKILL, pid %d)", id, victim.pid());
        victim.destroyForcibly();
    }

    /** Sends a signal ProcessHandle has no call for (SIGSTOP) with kill(1). */
    private static void signal(String name, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + out.trim());
        }
    }

    private static boolean registered(Admin admin, int id) {
        try {
            return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == id);
        } catch (Exception e) {
            return false;
        }
    }

    /** Reads the topic from the start and checks that every acknowledged record is there. */
    private boolean verify(Properties props, Load load, boolean recovered) throws Exception {
        Properties c = new Properties();
        c.putAll(props);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        BitSet read = new BitSet();
        long duplicates = 0;
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(c, new LongDeserializer(), new LongDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<Long, Long> r : consumer.poll(Duration.ofMillis(500))) {
                    // only this run's records: the topic may hold an earlier run's
                    if (r.key() != null && r.key() == load.run && r.value() != null) {
                        int seq = (int) (long) r.value();
                        duplicates += read.get(seq) ? 1 : 0;
                        read.set(seq);
                    }
                }
            }
        }
        BitSet lost = (BitSet) load.ackedSet().clone();
        lost.andNot(read);
        say("%,d records acknowledged, %,d read back, %d lost, %d duplicates; %d sends failed and were not acknowledged%s",
                load.acked(), read.cardinality(), lost.cardinality(), duplicates, load.errors(),
                load.firstError() == null ? "" : " (first: " + load.firstError() + ")");
        if (!lost.isEmpty()) {
            say("lost: record numbers %s", lost.stream().limit(10).boxed().toList());
        }
        boolean passed = recovered && lost.isEmpty();
        out.println(passed ? "PASSED: the cluster recovered and no acknowledged record was lost"
                : "FAILED: " + (lost.isEmpty() ? "the cluster did not recover in time" : "acknowledged records were lost"));
        return passed;
    }

    private TopicDescription ensureTopic(Admin admin) throws Exception {
        MissingTopics.create(admin, new NewTopic(topic, 6, (short) 3).configs(Map.of("min.insync.replicas", "2")));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                // a topic just made is not yet known to the broker asked
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(300);
                continue;
            }
            if (d.partitions().get(0).replicas().size() < 3) {
                throw new ParameterException(spec.commandLine(), "topic " + topic + " has " + d.partitions().get(0).replicas().size()
                        + " replicas; the drill needs 3 (name another with --topic)");
            }
            boolean ready = d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size());
            if (ready || System.nanoTime() > deadline) {
                if (!ready) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader or with replicas out of sync before the drill"
                            + " started; see `keks status`");
                }
                return d;
            }
            Thread.sleep(300);
        }
    }

    private static int mostLeaders(TopicDescription d) {
        Map<Integer, Integer> counts = new HashMap<>();
        d.partitions().forEach(p -> counts.merge(p.leader().id(), 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }

    private static long leaders(TopicDescription d, int broker) {
        return d.partitions().stream().filter(p -> p.leader() != null && p.leader().id() == broker).count();
    }

    private static Map<Integer, Integer> leaderCounts(TopicDescription d) {
        Map<Integer, Integer> counts = new TreeMap<>();
        d.partitions().forEach(p -> counts.merge(p.leader() == null ? -1 : p.leader().id(), 1, Integer::sum));
        return counts;
    }

    private void say(String format, Object... args) {
        out.printf(Locale.ROOT, "t+%5.1fs  %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** The producer under which the broker goes: numbered records, and which of them Kafka acknowledged. */
    static final class Load implements AutoCloseable {
        /** Keys every record of this run, so a topic kept from an earlier run is told apart. */
        final long run = System.currentTimeMillis();
        private final BitSet acked = new BitSet();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicReference<String> firstError = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Load(Properties client, String topic, int rate) {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            thread = Thread.ofPlatform().name("failover-drill-producer").start(() -> {
                long start = System.nanoTime();
                try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(p, new LongSerializer(), new LongSerializer())) {
                    for (int seq = 0; running.get(); seq++) {
                        final int n = seq;
                        producer.send(new ProducerRecord<>(topic, run, (long) n), (md, e) -> {
                            if (e == null) {
                                synchronized (acked) {
                                    acked.set(n);
                                }
                            } else {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                            }
                        });
                        long due = start + (long) (seq + 1) * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    producer.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
            });
        }

        long acked() {
            synchronized (acked) {
                return acked.cardinality();
            }
        }

        BitSet ackedSet() {
            synchronized (acked) {
                return (BitSet) acked.clone();
            }
        }

        long errors() {
            return errors.get();
        }

        String firstError() {
            return firstError.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(Duration.ofMinutes(3));
        }
    }
}
