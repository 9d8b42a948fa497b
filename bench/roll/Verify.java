import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads TOPIC from the beginning to its end and checks that every record Load.java's OUT file says was
 * acknowledged (error 0) is there, by its key "k" + index. Prints how many were acknowledged, found and lost;
 * exits 1 when any is lost.
 *   java -cp 'cli/target/keks/lib/*' bench/roll/Verify.java CLIENT_PROPERTIES TOPIC OUT
 */
public class Verify {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(r);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        BitSet acked = new BitSet();
        try (Stream<String> lines = Files.lines(Path.of(args[2]))) {
            lines.map(l -> l.split(" ")).filter(f -> f.length == 4 && f[2].equals("0"))
                    .forEach(f -> acked.set(Math.toIntExact(Long.parseLong(f[3]))));
        }
        BitSet found = new BitSet();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(args[1]).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + args[1] + " to its end within 5 minutes");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(1))) {
                    if (r.key() != null && r.key().startsWith("k")) {
                        found.set(Integer.parseInt(r.key().substring(1)));
                    }
                }
            }
        }
        BitSet lost = (BitSet) acked.clone();
        lost.andNot(found);
        System.out.println("acknowledged " + acked.cardinality() + ", read back " + found.cardinality() + ", lost " + lost.cardinality()
                + (lost.isEmpty() ? "" : " (first: k" + lost.nextSetBit(0) + ")"));
        System.exit(lost.isEmpty() ? 0 : 1);
    }
}
