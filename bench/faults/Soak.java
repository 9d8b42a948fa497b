import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * bench/faults: a seeded random campaign of faults against the running seed cluster, under a steady acks=all
 * idempotent producer and a consumer group that commits as it reads. It stops once both the minimum number of
 * faults and the minimum time are reached, then reads the topic back and prints what held.
 *   java -cp 'cli/target/keks/lib/*' bench/faults/Soak.java KEKS CLIENT_PROPERTIES SEED MINUTES FAULTS RATE
 * KEKS is the keks launcher; the cluster is the one KEKS_HOME holds, already up with `keks up -d`.
 */
public class Soak {
    static final String TOPIC = "soak";
    static final ObjectMapper JSON = new ObjectMapper();

    static String keks;
    static Properties client;
    static final AtomicBoolean running = new AtomicBoolean(true);
    static final BitSet acked = new BitSet();
    static final AtomicLong lastAck = new AtomicLong(System.nanoTime());
    static final AtomicLong longestAckGapNanos = new AtomicLong();
    static final ConcurrentLinkedQueue<String> producerErrors = new ConcurrentLinkedQueue<>();
    static final AtomicLong consumed = new AtomicLong();
    static final AtomicLong duplicates = new AtomicLong();
    static final AtomicLong notReadyNanos = new AtomicLong();
    static final AtomicLong longestNotReadyNanos = new AtomicLong();
    static volatile boolean ready = true;

    public static void main(String[] args) throws Exception {
        keks = args[0];
        client = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[1]))) {
            client.load(r);
        }
        long seed = Long.parseLong(args[2]);
        Duration minTime = Duration.ofMinutes(Long.parseLong(args[3]));
        int minFaults = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        Random random = new Random(seed);
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        Thread producer = Thread.ofPlatform().name("producer").start(() -> produce(rate));
        Thread consumer = Thread.ofPlatform().name("consumer").start(Soak::consume);
        Thread watcher = Thread.ofPlatform().name("watcher").start(Soak::watch);
        Thread.sleep(15_000);

        Map<String, Integer> counts = new HashMap<>();
        long start = System.nanoTime();
        int faults = 0;
        while (faults < minFaults || System.nanoTime() - start < minTime.toNanos()) {
            String fault = FAULTS.get(random.nextInt(FAULTS.size()));
            long at = System.nanoTime();
            String said;
            try {
                said = inject(fault, random);
            } catch (Exception e) {
                // a fault that could not be injected as planned (a roll refused while one runs): said, and counted
                said = "not as planned: " + e.getMessage().strip().lines().findFirst().orElse("");
            }
            faults++;
            counts.merge(fault, 1, Integer::sum);
            boolean back = awaitReady(Duration.ofMinutes(5));
            System.out.printf("%4d  %6.0f s  %-28s %s; ready again after %.1f s%s%n", faults, (at - start) / 1e9, fault, said,
                    (System.nanoTime() - at) / 1e9, back ? "" : " (NOT READY after 5 minutes)");
            if (!back) {
                break;
            }
            Thread.sleep(5_000 + random.nextInt(10_000));
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        running.set(false);
        producer.join();
        consumer.join();
        watcher.join();

        BitSet read = readBack();
        BitSet lost = (BitSet) acked.clone();
        lost.andNot(read);
        System.out.println();
        System.out.println("seed                          " + seed);
        System.out.printf("faults                        %d in %.1f minutes: %s%n", faults, minutes,
                counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        System.out.println("records acknowledged          " + acked.cardinality());
        System.out.println("acknowledged records lost     " + lost.cardinality()
                + (lost.isEmpty() ? "" : " (first: " + lost.nextSetBit(0) + ")"));
        System.out.println("producer errors               " + producerErrors.size()
                + (producerErrors.isEmpty() ? "" : " (first: " + producerErrors.peek() + ")"));
        System.out.println("records consumed (group)      " + consumed.get());
        System.out.println("duplicates the consumer saw   " + duplicates.get());
        System.out.printf("longest not Ready             %.1f s (all faults: %.1f s)%n", longestNotReadyNanos.get() / 1e9,
                notReadyNanos.get() / 1e9);
        System.out.printf("longest gap in acks           %.1f s%n", longestAckGapNanos.get() / 1e9);
        System.exit(lost.isEmpty() && producerErrors.isEmpty() ? 0 : 1);
    }

    static final List<String> FAULTS = List.of("kill-broker", "kill-active-controller", "freeze-broker-20s",
            "freeze-active-controller-15s", "kill-supervisor", "kill-two-brokers", "kill-supervisor-mid-roll");

    /** Injects one fault and undoes what needs undoing (a frozen process resumed, a killed supervisor replaced). */
    static String inject(String fault, Random random) throws Exception {
        JsonNode status = status();
        List<JsonNode> brokers = new ArrayList<>();
        JsonNode active = null;
        for (JsonNode n : status.path("nodes")) {
            if (n.path("roles").toString().contains("broker")) {
                brokers.add(n);
            }
            if (n.path("id").asInt() == status.path("activeController").asInt(-1)) {
                active = n;
            }
        }
        JsonNode broker = brokers.get(random.nextInt(brokers.size()));
        switch (fault) {
            case "kill-broker" -> {
                signal("KILL", broker);
                return broker.path("name").asText() + " killed";
            }
            case "kill-active-controller" -> {
                if (active == null) {
                    return "no active controller named; nothing done";
                }
                signal("KILL", active);
                return active.path("name").asText() + " killed";
            }
            case "freeze-broker-20s" -> {
                signal("STOP", broker);
                Thread.sleep(20_000);
                signal("CONT", broker);
                return broker.path("name").asText() + " frozen 20 s";
            }
            case "freeze-active-controller-15s" -> {
                if (active == null) {
                    return "no active controller named; nothing done";
                }
                signal("STOP", active);
                Thread.sleep(15_000);
                signal("CONT", active);
                return active.path("name").asText() + " frozen 15 s";
            }
            case "kill-supervisor" -> {
                killSupervisor();
                run(keks, "up", "-d");
                return "supervisor killed, keks up -d";
            }
            case "kill-two-brokers" -> {
                JsonNode other = brokers.stream().filter(b -> b != broker).toList().get(random.nextInt(brokers.size() - 1));
                signal("KILL", broker);
                signal("KILL", other);
                return broker.path("name").asText() + " and " + other.path("name").asText() + " killed at once";
            }
            case "kill-supervisor-mid-roll" -> {
                run(keks, "roll", "--no-wait");
                Thread.sleep(3_000 + random.nextInt(15_000));
                killSupervisor();
                run(keks, "up", "-d");
                return "keks roll, supervisor killed in it, keks up -d";
            }
            default -> throw new IllegalArgumentException(fault);
        }
    }

    static void killSupervisor() throws Exception {
        Path home = Path.of(System.getenv("KEKS_HOME"));
        long pid = Long.parseLong(Files.readString(home.resolve("clusters/cluster/supervisor.pid")).strip());
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    static void signal(String name, JsonNode node) throws Exception {
        run("kill", "-" + name, node.path("pid").asText());
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    static JsonNode status() throws Exception {
        return JSON.readTree(run(keks, "status", "-o", "json"));
    }

    static boolean awaitReady(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        // a fault's effect shows only after a moment (a session to time out): the cluster must have been seen not Ready, or
        // Ready for 20 s in a row
        long readySince = ready ? System.nanoTime() : 0;
        while (System.nanoTime() < deadline) {
            if (!ready) {
                readySince = 0;
            } else if (readySince == 0) {
                readySince = System.nanoTime();
            } else if (System.nanoTime() - readySince > TimeUnit.SECONDS.toNanos(20)) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** Ready as keks means it: every broker serving, and a quorum with a leader and all its voters. */
    static void watch() {
        try (Admin admin = Admin.create(client)) {
            long notReadySince = 0;
            while (running.get()) {
                boolean now;
                try {
                    int serving = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes().get(4, TimeUnit.SECONDS).size();
                    var quorum = admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(3_000)).quorumInfo()
                            .get(4, TimeUnit.SECONDS);
                    now = serving == 3 && quorum.leaderId() >= 0 && quorum.voters().size() == 3;
                } catch (Exception e) {
                    now = false;
                }
                long t = System.nanoTime();
                if (!now && notReadySince == 0) {
                    notReadySince = t;
                } else if (now && notReadySince != 0) {
                    long spell = t - notReadySince;
                    notReadyNanos.addAndGet(spell);
                    longestNotReadyNanos.accumulateAndGet(spell, Math::max);
                    notReadySince = 0;
                }
                ready = now;
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void produce(int rate) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Long.MAX_VALUE));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long interval = 1_000_000_000L / rate;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            long next = System.nanoTime();
            for (int i = 0; running.get(); i++) {
                int seq = i;
                p.send(new ProducerRecord<>(TOPIC, String.valueOf(seq), String.valueOf(seq)), (md, e) -> {
                    if (e != null) {
                        producerErrors.add(seq + ": " + e);
                        return;
                    }
                    long now = System.nanoTime();
                    long before = lastAck.getAndSet(now);
                    longestAckGapNanos.accumulateAndGet(now - before, Math::max);
                    synchronized (acked) {
                        acked.set(seq);
                    }
                });
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            p.flush();
        } catch (Exception e) {
            producerErrors.add("producer: " + e);
        }
    }

    static void consume() {
        Properties props = new Properties();
        props.putAll(client);
        props.put("group.id", "soak-group");
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        BitSet seen = new BitSet();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            while (running.get()) {
                var records = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    int seq = Integer.parseInt(r.value());
                    consumed.incrementAndGet();
                    if (seen.get(seq)) {
                        duplicates.incrementAndGet();
                    }
                    seen.set(seq);
                }
                try {
                    c.commitSync(Duration.ofSeconds(10));
                } catch (Exception e) {
                    // a commit lost to a fault: what follows is read again, and counted as duplicates
                }
            }
        }
    }

    /** Every sequence number in the topic, read from the beginning with no group. */
    static BitSet readBack() {
        Properties props = new Properties();
        props.putAll(client);
        props.put("max.poll.records", "10000");
        BitSet read = new BitSet();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(TOPIC, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(60));
            while (!tps.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    read.set(Integer.parseInt(r.value()));
                }
            }
        }
        return read;
    }
}
