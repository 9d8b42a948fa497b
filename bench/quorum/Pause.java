import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a client sees of a controller change, for bench/quorum/run.sh:
 *   Pause CLIENT_PROPERTIES TOPIC RATE OUT STOP
 * An acks=all idempotent producer sends RATE records a second to TOPIC (each acknowledged value to OUT.acked, errors
 * to OUT.acked.errors, as bench/rebalance/Guard.java verify reads them) and writes "ack EPOCH_MS" for each
 * acknowledgement to OUT.events; beside it a metadata writer creates a one-partition topic every 250 ms and writes
 * "create START_EPOCH_MS LATENCY_MS" (latency -1 when the call failed) to OUT.events. Runs until the file STOP exists.
 */
public class Pause {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(r);
        }
        String topic = args[1];
        int rate = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Path stop = Path.of(args[4]);
        try (BufferedWriter events = Files.newBufferedWriter(Path.of(out + ".events"));
             BufferedWriter acked = Files.newBufferedWriter(Path.of(out + ".acked"));
             BufferedWriter errors = Files.newBufferedWriter(Path.of(out + ".acked.errors"))) {
            Thread metadata = Thread.ofPlatform().start(() -> createTopics(props, stop, events));
            Properties p = new Properties();
            p.putAll(props);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (long i = 0; !Files.exists(stop); i++) {
                    String value = "q-" + i;
                    producer.send(new ProducerRecord<>(topic, value), (m, e) -> {
                        synchronized (events) {
                            try {
                                if (e == null) {
                                    acked.write(value);
                                    acked.newLine();
                                    events.write("ack " + System.currentTimeMillis());
                                    events.newLine();
                                } else {
                                    errors.write(value + " " + e);
                                    errors.newLine();
                                }
                            } catch (Exception io) {
                                throw new RuntimeException(io);
                            }
                        }
                    });
                    next += interval;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
                producer.flush();
            }
            metadata.join();
        }
    }

    static void createTopics(Properties props, Path stop, BufferedWriter events) {
        try (Admin admin = Admin.create(props)) {
            for (int i = 0; !Files.exists(stop); i++) {
                long start = System.currentTimeMillis();
                long latency;
                try {
                    admin.createTopics(List.of(new NewTopic("pause-" + i, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                            .all().get(60, TimeUnit.SECONDS);
                    latency = System.currentTimeMillis() - start;
                } catch (Exception e) {
                    latency = -1;
                }
                synchronized (events) {
                    events.write("create " + start + " " + latency);
                    events.newLine();
                }
                Thread.sleep(Math.max(0, 250 - (System.currentTimeMillis() - start)));
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
