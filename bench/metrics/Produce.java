import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produce throughput for bench/metrics: COUNT records of SIZE bytes to TOPIC as fast as the cluster
 * takes them, acks=all, idempotent, batch.size 16384, linger.ms 5 (the seed's second perf test's
 * producer settings, without its rate cap). Prints records per second and MB per second, counted
 * from the first send until the last acknowledgement.
 *   java -cp 'cli/target/keks/lib/*' bench/metrics/Produce.java CLIENT_PROPERTIES TOPIC COUNT SIZE
 */
public class Produce {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(r);
        }
        String topic = args[1];
        long count = Long.parseLong(args[2]);
        int size = Integer.parseInt(args[3]);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
        byte[] value = new byte[size];
        new java.util.Random(42).nextBytes(value);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // the first send waits for metadata; it is not part of the throughput
            producer.send(new ProducerRecord<>(topic, value)).get();
            long start = System.nanoTime();
            for (long i = 0; i < count && failed.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() != null) {
                throw failed.get();
            }
            System.out.printf("%d records of %d B in %.2f s: %.0f records/s, %.2f MB/s%n", acked.get(), size, seconds,
                    acked.get() / seconds, acked.get() * (double) size / seconds / 1e6);
        }
    }
}
