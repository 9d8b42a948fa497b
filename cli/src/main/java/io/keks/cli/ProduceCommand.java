package io.keks.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "produce", description = {"Send each line of standard input as one record (acks=all, idempotent).",
        "Exits non-zero if any record was not acknowledged."},
        footerHeading = "%nExamples:%n",
        footer = {"  echo hello | keks produce test-topic", "  seq 1000 | keks produce test-topic",
                "  keks produce test-topic --listener tls < records.txt"})
final class ProduceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Properties p = client.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        int sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                sent++;
                try {
                    producer.send(new ProducerRecord<>(topic, line), (md, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, e);
                        }
                    });
                } catch (KafkaException e) {
                    // a producer Kafka already refused (its producer id, say) throws at once; nothing more would be sent
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                    break;
                }
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            // an idempotent producer that Kafka refused reports "in an error state" and keeps the reason as the cause
            Throwable reason = firstError.get();
            while (reason.getCause() != null && reason.getCause() != reason) {
                reason = reason.getCause();
            }
            err.println("error: " + failed.get() + " of " + sent + " records were not acknowledged: " + reason.getMessage());
            return 1;
        }
        err.println(sent + " record(s) sent to " + topic + " (acks=all)");
        return 0;
    }
}
