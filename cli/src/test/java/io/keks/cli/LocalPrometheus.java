package io.keks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's prometheus package, which .ci/run installs) scraping a local cluster's
 * metrics endpoints every three seconds (a scrape under catch-all rules took up to a second here, and more while the tests run), with the labels
 * keks' PodMonitors give on Kubernetes, and evaluating the PrometheusRules' recording rules: the dashboards' and
 * alerts' queries run as Grafana and Alertmanager would run them.
 */
final class LocalPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Process process;
    private final Path dir;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scrape target: where it serves, and the pod it stands for. */
    record Target(String hostPort, String pod) {
    }

    private LocalPrometheus(Process process, Path dir, String url) {
        this.process = process;
        this.dir = dir;
        this.url = url;
    }

    /**
     * Starts scraping the targets, as pods of cluster {@code cluster} in namespace {@code namespace}; each of
     * {@code prometheusRules} (PrometheusRule objects) is loaded as a rule file.
     */
    static LocalPrometheus start(String namespace, String cluster, List<Target> targets, List<Path> prometheusRules) throws Exception {
        Path dir = Files.createTempDirectory("keks-prometheus");
        ObjectNode config = YAML.createObjectNode();
        config.putObject("global").put("scrape_interval", "3s").put("evaluation_interval", "3s").put("scrape_timeout", "3s");
        ArrayNode ruleFiles = config.putArray("rule_files");
        for (Path rule : prometheusRules) {
            Path file = dir.resolve(rule.getFileName().toString().replace(".yaml", ".rules.yaml"));
            YAML.writeValue(file.toFile(), YAML.readTree(rule.toFile()).path("spec"));
            ruleFiles.add(file.toString());
        }
        ArrayNode statics = config.putArray("scrape_configs").addObject().put("job_name", namespace + "/kafka-resources-metrics")
                .putArray("static_configs");
        for (Target t : targets) {
            ObjectNode s = statics.addObject();
            s.putArray("targets").add(t.hostPort());
            s.putObject("labels").put("namespace", namespace).put("strimzi_io_cluster", cluster).put("pod", t.pod())
                    .put("kubernetes_pod_name", t.pod());
        }
        Path configFile = dir.resolve("prometheus.yml");
        YAML.writeValue(configFile.toFile(), config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p;
        try {
            p = new ProcessBuilder("prometheus", "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("prometheus is not on the PATH: install Debian's prometheus package (.ci/run does)", e);
        }
        LocalPrometheus prometheus = new LocalPrometheus(p, dir, "http://127.0.0.1:" + port);
        prometheus.awaitTargetsUp(targets.size());
        return prometheus;
    }

    /** Until every target was scraped whole at least three times, so rate() and changes() have samples to work on. */
    private void awaitTargetsUp(int targets) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus stopped: " + log());
            }
            try {
                JsonNode r = query("count(sum_over_time(up[1m]) >= 3 and up == 1)");
                if (r.size() == 1 && r.get(0).path("value").get(1).asInt() == targets) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("prometheus did not scrape all " + targets + " targets three times within 90 s: " + targets()
                        + "\n" + log());
            }
            Thread.sleep(500);
        }
    }

    /** The result of an instant query: its series, each with metric (labels) and value. */
    JsonNode query(String expr) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("prometheus refused " + expr + ": " + r.body());
        }
        return body.path("data").path("result");
    }

    /** The values of label {@code label} on series {@code selector} matches, as Grafana's label_values() reads them. */
    JsonNode labelValues(String label, String selector) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new AssertionError("prometheus refused " + selector + ": " + r.body());
        }
        return body.path("data");
    }

    /** Each target's health, last error and scrape time, as Prometheus' targets page shows them. */
    private String targets() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/targets")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            StringBuilder out = new StringBuilder();
            for (JsonNode t : JSON.readTree(r.body()).path("data").path("activeTargets")) {
                out.append(t.path("scrapeUrl").asText()).append(' ').append(t.path("health").asText()).append(' ')
                        .append(t.path("lastScrapeDuration").asText()).append("s ").append(t.path("lastError").asText()).append('\n');
            }
            return out.toString();
        } catch (IOException | InterruptedException e) {
            return "(targets unknown: " + e.getMessage() + ")";
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static Map<String, String> dashboardVariables() {
        return Map.of("$namespace", "kafka", "$cluster", "cluster", "$group", ".*");
    }
}
