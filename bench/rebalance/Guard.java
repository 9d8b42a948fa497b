import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer a rebalance must not hurt, for bench/rebalance/real.sh:
 *   produce CLIENT_PROPERTIES TOPIC RATE ACKED STOP  - acks=all, idempotent, RATE records a second, each value unique;
 *                                                      every acknowledged value goes to ACKED, errors to ACKED.errors;
 *                                                      runs until the file STOP exists
 *   verify CLIENT_PROPERTIES TOPIC ACKED             - reads the topic from the start and prints how many acknowledged
 *                                                      values are missing (0 when nothing was lost) and the errors seen
 */
public class Guard {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[1]))) {
            props.load(r);
        }
        if (args[0].equals("produce")) {
            produce(props, args[2], Integer.parseInt(args[3]), Path.of(args[4]), Path.of(args[5]));
        } else {
            verify(props, args[2], Path.of(args[3]));
        }
    }

    static void produce(Properties props, String topic, int rate, Path acked, Path stop) throws Exception {
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        AtomicLong errors = new AtomicLong();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
             BufferedWriter out = Files.newBufferedWriter(acked);
             BufferedWriter err = Files.newBufferedWriter(Path.of(acked + ".errors"))) {
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (long i = 0; !Files.exists(stop); i++) {
                String value = "g-" + i;
                p.send(new ProducerRecord<>(topic, value), (m, e) -> {
                    synchronized (out) {
                        try {
                            if (e == null) {
                                out.write(value);
                                out.newLine();
                            } else {
                                errors.incrementAndGet();
                                err.write(value + " " + e);
                                err.newLine();
                            }
                        } catch (Exception io) {
                            throw new RuntimeException(io);
                        }
                    }
                });
                next += interval;
                LockSupport.parkNanos(next - System.nanoTime());
            }
            p.flush();
        }
    }

    static void verify(Properties props, String topic, Path acked) throws Exception {
        Set<String> want = new HashSet<>(Files.readAllLines(acked));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long idle = System.nanoTime();
            while (!want.isEmpty() && System.nanoTime() - idle < Duration.ofSeconds(30).toNanos()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (want.remove(r.value())) {
                        idle = System.nanoTime();
                    }
                }
                if (parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                    break;
                }
            }
        }
        long errors = Files.readAllLines(Path.of(acked + ".errors")).size();
        System.out.println("missing=" + want.size() + " errors=" + errors);
    }
}
