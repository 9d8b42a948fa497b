package io.keks.cli;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer a test keeps running through a change: acks=all and idempotent, each record keyed by
 * a sequence number with the key as its value. It remembers which keys Kafka acknowledged and every
 * error it was given, so the test can compare what it reads back by key. It sends about a thousand
 * records a second: steady load, and few enough to read back quickly.
 */
final class LoadProducer implements AutoCloseable {
    private final Set<String> acked = new ConcurrentSkipListSet<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final java.time.Instant started = java.time.Instant.now();

    LoadProducer(Properties client, String topic, String prefix) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        thread = Thread.ofPlatform().name("load-" + prefix).start(() -> {
            long start = System.nanoTime();
            try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (long i = 0; running.get(); i++) {
                    String key = prefix + "-" + i;
                    long sentMs = (System.nanoTime() - start) / 1_000_000;
                    p.send(new ProducerRecord<>(topic, key, key), (md, e) -> {
                        if (e == null) {
                            acked.add(key);
                        } else {
                            // when it was sent and when it failed, to line the error up with the change's progress
                            errors.add(key + " (sent at " + sentMs + " ms, failed at " + (System.nanoTime() - start) / 1_000_000
                                    + " ms): " + e);
                        }
                    });
                    Thread.sleep(1);
                }
                p.flush();
            } catch (RuntimeException e) {
                errors.add("producer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Waits until Kafka acknowledged {@code more} records beyond those acknowledged so far. */
    LoadProducer awaitAcked(int more) {
        int target = acked.size() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= target || !errors.isEmpty());
        return this;
    }

    Set<String> acked() {
        return acked;
    }

    /** When it began producing: error times are counted from here. */
    java.time.Instant started() {
        return started;
    }

    List<String> errors() {
        return errors;
    }

    /** Stops producing and waits for every record in flight to be acknowledged or failed. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(150_000);
    }
}
