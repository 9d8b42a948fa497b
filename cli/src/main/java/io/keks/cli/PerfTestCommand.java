package io.keks.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keks.local.ClusterHome;
import io.keks.local.KafkaDistributions;
import io.keks.local.LocalCluster;
import io.keks.model.KafkaVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "perf-test", description = {
        "Measure the cluster's throughput and latency percentiles with Kafka's own performance tools.",
        "ProducerPerformance times acknowledged sends, then ConsumerPerformance reads the records back, and",
        "with --end-to-end EndToEndLatency times a record's trip from producer to consumer. Their output is",
        "shown as they print it, then a summary. The topic is made when missing (6 partitions, 3 replicas or",
        "as many as there are brokers)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks perf-test                                   # 1,000,000 records of 100 bytes, acks=all, as fast as it goes",
                "  keks perf-test orders --records 200000 --throughput 20000 --record-size 1024",
                "  keks perf-test --end-to-end -o json            # the summary as JSON on standard output"})
final class PerfTestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOPIC", defaultValue = "perf-test", description = "Topic to write to (default: perf-test).")
    String topic;

    @Option(names = "--records", paramLabel = "N", defaultValue = "1000000", description = "Records to send (default: 1000000).")
    long records;

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "100", description = "Size of each record (default: 100).")
    int recordSize;

    @Option(names = "--throughput", paramLabel = "N", defaultValue = "-1",
            description = "Records per second to hold the producer to; -1 (default): as fast as it goes.")
    long throughput;

    @Option(names = "--acks", paramLabel = "ACKS", defaultValue = "all", description = "The producer's acks: all (default), 1 or 0.")
    String acks;

    @Option(names = "--no-consumer", description = "Only produce.")
    boolean noConsumer;

    @Option(names = "--end-to-end", description = "Also run EndToEndLatency: records sent one at a time, each timed until consumed.")
    boolean endToEnd;

    @Option(names = "--end-to-end-records", paramLabel = "N", defaultValue = "10000",
            description = "Records EndToEndLatency sends, one round trip each (default: 10000).")
    int endToEndRecords;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), or json: the tools' output goes to standard error and the summary, as JSON, to standard output.")
    String output;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    /** ProducerPerformance's last line: totals and latency percentiles. */
    static final Pattern PRODUCER_TOTAL = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
            + "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");
    static final Pattern END_TO_END = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");
    static final Pattern END_TO_END_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean json = output.equals("json");
        if (!json && !output.equals("text")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--output must be text or json, not \"" + output + "\"");
        }
        if (records <= 0 || recordSize <= 0 || endToEndRecords <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--records, --record-size and --end-to-end-records must be positive");
        }
        if (!List.of("all", "-1", "1", "0").contains(acks)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--acks must be all, 1 or 0, not \"" + acks + "\"");
        }
        PrintWriter show = json ? err : spec.commandLine().getOut();
        LocalCluster cluster = client.cluster.open();
        KafkaVersion version = cluster.desired().version();
        List<Path> classpath = new KafkaDistributions(LocalCluster.Options.bundleFromSystem(), ClusterHome.fromEnvironment().kafkaCache(),
                m -> err.println(m)).toolsClasspath(version);
        Properties props = client.properties();
        ensureTopic(props, show);

        Path work = Files.createTempDirectory("keks-perf-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ObjectNode summary = new ObjectMapper().createObjectNode().put("topic", topic).put("kafkaVersion", version.toString());
        try {
            Path config = work.resolve("producer.properties");
            Properties producer = new Properties();
            producer.putAll(props);
            producer.put("acks", acks);
            try (Writer w = Files.newBufferedWriter(config)) {
                producer.store(w, "keks perf-test: the listener's client settings");
            }
            Path consumerConfig = work.resolve("consumer.properties");
            try (Writer w = Files.newBufferedWriter(consumerConfig)) {
                props.store(w, "keks perf-test: the listener's client settings");
            }
            Tools tools = new Tools(classpath, version, work, show);
            show.printf("producer: Kafka's ProducerPerformance, %,d records of %d bytes, acks=%s, %s%n", records, recordSize, acks,
                    throughput < 0 ? "as fast as it goes" : String.format(Locale.ROOT, "at most %,d records/s", throughput));
            Tools.Run produced = tools.run("org.apache.kafka.tools.ProducerPerformance", List.of("--topic", topic, "--num-records",
                    Long.toString(records), "--record-size", Integer.toString(recordSize), "--throughput", Long.toString(throughput),
                    tools.namedArguments() ? "--command-config" : "--producer.config", config.toString()));
            Optional<Matcher> total = produced.last(PRODUCER_TOTAL);
            if (produced.exitCode() != 0 || total.isEmpty()) {
                err.println("error: ProducerPerformance " + (produced.exitCode() != 0 ? "exited with " + produced.exitCode() : "printed no totals")
                        + "; its output is above");
                return 1;
            }
            Matcher t = total.get();
            summary.putObject("producer").put("records", Long.parseLong(t.group(1))).put("recordsPerSecond", Double.parseDouble(t.group(2)))
                    .put("mbPerSecond", Double.parseDouble(t.group(3))).put("latencyAvgMs", Double.parseDouble(t.group(4)))
                    .put("latencyMaxMs", Double.parseDouble(t.group(5))).put("latencyP50Ms", Long.parseLong(t.group(6)))
                    .put("latencyP95Ms", Long.parseLong(t.group(7))).put("latencyP99Ms", Long.parseLong(t.group(8)))
                    .put("latencyP999Ms", Long.parseLong(t.group(9)));

            if (!noConsumer) {
                show.printf("consumer: Kafka's ConsumerPerformance, reading %,d records%n", records);
                List<String> args = new ArrayList<>(List.of("--bootstrap-server", props.getProperty("bootstrap.servers"), "--topic", topic,
                        "--timeout", "30000"));
                args.addAll(tools.namedArguments() ? List.of("--num-records", Long.toString(records), "--command-config", consumerConfig.toString())
                        : List.of("--messages", Long.toString(records), "--consumer.config", consumerConfig.toString()));
                Tools.Run consumed = tools.run("org.apache.kafka.tools.ConsumerPerformance", args);
                List<String> table = consumed.lines().stream().filter(l -> !l.isBlank()).toList();
                int header = table.size() - 2;
                if (consumed.exitCode() != 0 || header < 0 || !table.get(header).startsWith("start.time")) {
                    err.println("error: ConsumerPerformance " + (consumed.exitCode() != 0 ? "exited with " + consumed.exitCode()
                            : "printed no totals") + "; its output is above");
                    return 1;
                }
                String[] names = table.get(header).split(",\\s*");
                String[] values = table.get(header + 1).split(",\\s*");
                ObjectNode c = summary.putObject("consumer");
                for (int i = 0; i < Math.min(names.length, values.length); i++) {
                    c.put(names[i].trim(), values[i].trim());
                }
            }
            if (endToEnd) {
                // EndToEndLatency waits for each acknowledgement: it takes 1 or all only
                String e2eAcks = acks.equals("1") ? "1" : "all";
                show.printf("end to end: Kafka's EndToEndLatency, %,d records of %d bytes, one at a time, acks=%s%n", endToEndRecords, recordSize,
                        e2eAcks);
                List<String> args = tools.namedArguments()
                        ? List.of("--bootstrap-server", props.getProperty("bootstrap.servers"), "--topic", topic, "--num-records", Integer.toString(endToEndRecords),
                                "--producer-acks", e2eAcks, "--record-size", Integer.toString(recordSize),
                                "--command-config", config.toString())
                        : List.of(props.getProperty("bootstrap.servers"), topic, Integer.toString(endToEndRecords), e2eAcks,
                                Integer.toString(recordSize), config.toString());
                Tools.Run e2e = tools.run("org.apache.kafka.tools.EndToEndLatency", args);
                Optional<Matcher> p = e2e.last(END_TO_END);
                Optional<Matcher> avg = e2e.last(END_TO_END_AVG);
                if (e2e.exitCode() != 0 || p.isEmpty() || avg.isEmpty()) {
                    err.println("error: EndToEndLatency " + (e2e.exitCode() != 0 ? "exited with " + e2e.exitCode() : "printed no percentiles")
                            + "; its output is above");
                    return 1;
                }
                summary.putObject("endToEnd").put("latencyAvgMs", Double.parseDouble(avg.get().group(1)))
                        .put("latencyP50Ms", Long.parseLong(p.get().group(1))).put("latencyP99Ms", Long.parseLong(p.get().group(2)))
                        .put("latencyP999Ms", Long.parseLong(p.get().group(3)));
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        } else {
            printSummary(spec.commandLine().getOut(), summary);
        }
        return 0;
    }

    private void ensureTopic(Properties props, PrintWriter show) throws Exception {
        try (Admin admin = Admin.create(props)) {
            short replicas = (short) Math.min(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            if (MissingTopics.create(admin, new NewTopic(topic, 6, replicas))) {
                show.printf("topic %s made: 6 partitions, %d replicas (kept for the next run)%n", topic, replicas);
            }
        }
    }

    static void printSummary(PrintWriter out, ObjectNode s) {
        out.println();
        out.println("summary (" + s.path("topic").asText() + ", Kafka " + s.path("kafkaVersion").asText() + ")");
        var p = s.path("producer");
        out.printf(Locale.ROOT, "  produced    %,d records  %,.0f records/s  %.2f MB/s%n", p.path("records").asLong(),
                p.path("recordsPerSecond").asDouble(), p.path("mbPerSecond").asDouble());
        out.printf(Locale.ROOT, "  latency     avg %.1f ms  p50 %d ms  p95 %d ms  p99 %d ms  p99.9 %d ms  max %.0f ms (send until acknowledged)%n",
                p.path("latencyAvgMs").asDouble(), p.path("latencyP50Ms").asLong(), p.path("latencyP95Ms").asLong(),
                p.path("latencyP99Ms").asLong(), p.path("latencyP999Ms").asLong(), p.path("latencyMaxMs").asDouble());
        if (s.has("consumer")) {
            var c = s.path("consumer");
            out.printf(Locale.ROOT, "  consumed    %,d records  %,.0f records/s  %.2f MB/s (%,.0f records/s while fetching, %.1f s joining the group)%n",
                    Long.parseLong(c.path("data.consumed.in.nMsg").asText("0")), Double.parseDouble(c.path("nMsg.sec").asText("0")),
                    Double.parseDouble(c.path("MB.sec").asText("0")), Double.parseDouble(c.path("fetch.nMsg.sec").asText("0")),
                    Double.parseDouble(c.path("rebalance.time.ms").asText("0")) / 1000);
        }
        if (s.has("endToEnd")) {
            var e = s.path("endToEnd");
            out.printf(Locale.ROOT, "  end to end  avg %.2f ms  p50 %d ms  p99 %d ms  p99.9 %d ms%n", e.path("latencyAvgMs").asDouble(),
                    e.path("latencyP50Ms").asLong(), e.path("latencyP99Ms").asLong(), e.path("latencyP999Ms").asLong());
        }
    }

    /** Runs one of Kafka's tools in a JVM of its own, its output shown line by line as it comes and kept. */
    record Tools(List<Path> classpath, KafkaVersion version, Path work, PrintWriter show) {
        /** The tools log warnings and errors only, to standard error: log4j2 for Kafka 4, log4j 1 before. */
        Tools {
            try {
                Files.writeString(work.resolve("log4j2.properties"), "rootLogger.level = WARN\nrootLogger.appenderRef.err.ref = ERR\n"
                        + "appender.err.type = Console\nappender.err.name = ERR\nappender.err.target = SYSTEM_ERR\n"
                        + "appender.err.layout.type = PatternLayout\nappender.err.layout.pattern = %p %m%n\n");
                Files.writeString(work.resolve("log4j.properties"), "log4j.rootLogger=WARN, err\nlog4j.appender.err=org.apache.log4j.ConsoleAppender\n"
                        + "log4j.appender.err.Target=System.err\nlog4j.appender.err.layout=org.apache.log4j.PatternLayout\n"
                        + "log4j.appender.err.layout.ConversionPattern=%p %m%n\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        record Run(int exitCode, List<String> lines) {
            Optional<Matcher> last(Pattern p) {
                for (int i = lines.size() - 1; i >= 0; i--) {
                    Matcher m = p.matcher(lines.get(i));
                    if (m.find()) {
                        return Optional.of(m);
                    }
                }
                return Optional.empty();
            }
        }

        /** Kafka 4.2 named the tools' arguments alike (--num-records, --command-config); older ones know only the first names. */
        boolean namedArguments() {
            return version.atLeast(new KafkaVersion(4, 2, 0));
        }

        Run run(String mainClass, List<String> args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-Xmx512m");
            cmd.add("-XX:+UseG1GC");
            cmd.add("-Dlog4j2.configurationFile=" + work.resolve("log4j2.properties"));
            cmd.add("-Dlog4j.configuration=file:" + work.resolve("log4j.properties"));
            cmd.add("-cp");
            cmd.add(classpath.stream().map(d -> d.resolve("*").toString()).collect(Collectors.joining(java.io.File.pathSeparator)));
            cmd.add(mainClass);
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    show.println("  " + line);
                    show.flush();
                }
            }
            return new Run(p.waitFor(), lines);
        }
    }
}
