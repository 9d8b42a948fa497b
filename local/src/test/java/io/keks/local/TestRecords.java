package io.keks.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Data for tests that move partitions: a topic filled with acks=all, and every value read back. */
public final class TestRecords {
    private TestRecords() {
    }

    /** Writes about {@code bytes} to {@code topic} with acks=all, in records of 10 KiB; the values Kafka acknowledged. */
    public static Set<String> fill(Properties client, String topic, int bytes) throws Exception {
        Properties props = new Properties();
        props.putAll(client);
        props.put("acks", "all");
        String pad = "x".repeat(10 * 1024);
        Set<String> acked = new HashSet<>();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < bytes / pad.length(); i++) {
                String value = i + "-" + pad;
                values.add(value);
                sent.add(p.send(new ProducerRecord<>(topic, value)));
            }
            for (int i = 0; i < sent.size(); i++) {
                sent.get(i).get(60, TimeUnit.SECONDS);
                acked.add(values.get(i));
            }
        }
        return acked;
    }

    /**
     * Every value of {@code topic}, read from the beginning to the end offsets it has when called. Polls without pause
     * until every position reaches its end offset, and fails only when reading stops moving for a minute: a topic that
     * took a whole test class to fill is read at the consumer's own pace, on a slow machine too.
     */
    public static Set<String> readAll(Properties client, String topic) {
        Properties props = new Properties();
        props.putAll(client);
        props.put("max.poll.records", "10000");
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps, Duration.ofSeconds(30)));
            long lastProgress = System.nanoTime();
            while (!tps.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                int read = 0;
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                    read++;
                }
                if (read > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(60).toNanos()) {
                    Map<TopicPartition, Long> behind = new HashMap<>();
                    tps.stream().filter(tp -> c.position(tp) < end.get(tp)).forEach(tp -> behind.put(tp, end.get(tp) - c.position(tp)));
                    throw new AssertionError("reading " + topic + " stopped for 60 s with " + values.size()
                            + " records read; records left per partition: " + behind);
                }
            }
        }
        return values;
    }
}
