package io.keks.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "consume", description = {"Print each record's value on its own line, like kafka-console-consumer.",
        "With --group the consumer joins that group and commits exactly the records it printed."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks consume test-topic --from-beginning", "  keks consume test-topic --from-beginning --max-messages 10",
                "  keks consume test-topic --group audit --max-messages 1   # the next run continues after it"})
final class ConsumeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record (for a group: when it has no committed offset).")
    boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after printing N records.")
    Integer maxMessages;

    @Option(names = "--group", paramLabel = "G", description = "Consumer group to join and commit to.")
    String group;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Exit when no record arrives for MS milliseconds.")
    Long timeoutMs;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Properties p = client.properties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        if (maxMessages != null) {
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, Math.min(500, maxMessages))));
        }
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stop = new AtomicBoolean();
        int printed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stop.set(true);
                consumer.wakeup();
                try {
                    main.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            if (!attach(consumer)) {
                spec.commandLine().getErr().println("error: topic " + topic + " does not exist");
                return 1;
            }
            printed = print(consumer, out, stop);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running and waits for us
            }
        }
        spec.commandLine().getErr().println("Processed a total of " + printed + " messages");
        spec.commandLine().getErr().flush();
        return 0;
    }

    /** Subscribes with a group, or else assigns every partition at its start or end; false when there is no such topic. */
    private boolean attach(KafkaConsumer<String, String> consumer) {
        if (group != null) {
            consumer.subscribe(List.of(topic));
            return true;
        }
        List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (parts == null || parts.isEmpty()) {
            return false;
        }
        List<TopicPartition> tps = parts.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(tps);
        if (fromBeginning) {
            consumer.seekToBeginning(tps);
        } else {
            consumer.seekToEnd(tps);
        }
        return true;
    }

    /** Prints each record's value until --max-messages, --timeout-ms without records, or {@code stop}; returns how many. */
    private int print(KafkaConsumer<String, String> consumer, PrintWriter out, AtomicBoolean stop) {
        int printed = 0;
        long lastRecord = System.currentTimeMillis();
        while (!stop.get()) {
            var records = poll(consumer);
            if (records.isEmpty()) {
                if (timeoutMs != null && System.currentTimeMillis() - lastRecord > timeoutMs) {
                    break;
                }
                continue;
            }
            lastRecord = System.currentTimeMillis();
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (ConsumerRecord<String, String> r : records) {
                out.println(r.value());
                done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                printed++;
                if (maxMessages != null && printed >= maxMessages) {
                    out.flush();
                    commit(consumer, done);
                    return printed;
                }
            }
            out.flush();
            commit(consumer, done);
        }
        return printed;
    }

    private static ConsumerRecords<String, String> poll(KafkaConsumer<String, String> consumer) {
        try {
            return consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        }
    }

    private void commit(KafkaConsumer<String, String> consumer, Map<TopicPartition, OffsetAndMetadata> done) {
        if (group != null && !done.isEmpty()) {
            consumer.commitSync(done);
        }
    }
}
