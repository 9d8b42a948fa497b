import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Steady produce load for bench/roll: acks=all, idempotent, RATE records a second of 200 bytes.
 * Writes one line per record to OUT: send time (epoch ms), latency until acknowledged (ms), 1
 * when Kafka reported an error, else 0, and the record's index i (its key is "k" + i). Runs until
 * the file STOP exists.
 *   java -cp 'cli/target/keks/lib/*' bench/roll/Load.java CLIENT_PROPERTIES TOPIC RATE OUT STOP
 */
public class Load {
    record Sample(long index, long sentMs, double latencyMs, int error) {
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(r);
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        String topic = args[1];
        int rate = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Path stop = Path.of(args[4]);
        String value = "x".repeat(200);
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        long intervalNanos = 1_000_000_000L / rate;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
             BufferedWriter w = Files.newBufferedWriter(out)) {
            long next = System.nanoTime();
            long lastCheck = 0;
            for (long n = 0; ; n++) {
                long i = n;
                long sentNanos = System.nanoTime();
                long sentMs = System.currentTimeMillis();
                p.send(new ProducerRecord<>(topic, "k" + i, value), (md, e) ->
                        samples.add(new Sample(i, sentMs, (System.nanoTime() - sentNanos) / 1e6, e == null ? 0 : 1)));
                next += intervalNanos;
                LockSupport.parkNanos(next - System.nanoTime());
                if (sentNanos - lastCheck > 1_000_000_000L) {
                    lastCheck = sentNanos;
                    drain(samples, w);
                    if (Files.exists(stop)) {
                        break;
                    }
                }
            }
            p.flush();
            drain(samples, w);
        }
    }

    static void drain(ConcurrentLinkedQueue<Sample> samples, BufferedWriter w) throws IOException {
        for (Sample s; (s = samples.poll()) != null; ) {
            w.write(s.sentMs() + " " + String.format("%.3f", s.latencyMs()) + " " + s.error() + " " + s.index() + "\n");
        }
        w.flush();
    }
}
