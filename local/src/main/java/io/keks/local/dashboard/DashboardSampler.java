package io.keks.local.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keks.engine.ClusterHealth;
import io.keks.engine.rebalance.RebalanceState;
import io.keks.engine.metrics.PrometheusText.Sample;
import io.keks.engine.metrics.PrometheusText;
import io.keks.local.dashboard.Glance.NodeLook;
import io.keks.local.dashboard.Glance.Target;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Takes a {@link Glance} of the cluster by scraping every node's metrics endpoint and the lag
 * exporter at once, keeps the last {@value #KEPT} of them, and turns them into what the dashboard
 * page draws: counters become per-second rates between consecutive looks.
 */
public final class DashboardSampler {
    static final int KEPT = 360;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(3);

    private final String clusterName;
    private final Sources sources;
    private final Path dataDir;
    private final Duration interval;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Deque<Glance> history = new ArrayDeque<>();

    /**
     * Where each look asks, every time (a scale or a restart changes the answers).
     *
     * @param targets     the nodes as they are now
     * @param exporterUrl the consumer-lag exporter's endpoint, when one runs
     * @param health      a look through the Admin API, empty when no broker answers
     * @param rebalances  the KafkaRebalances' states by name, as they are kept
     */
    public record Sources(Supplier<List<Target>> targets, Supplier<Optional<String>> exporterUrl,
                          Supplier<Optional<ClusterHealth.Look>> health, Supplier<Map<String, RebalanceState>> rebalances) {
    }

    /** @param dataDir a directory on the file system that holds the nodes' data */
    public DashboardSampler(String clusterName, Sources sources, Path dataDir, Duration interval) {
        this.clusterName = clusterName;
        this.sources = sources;
        this.dataDir = dataDir;
        this.interval = interval;
    }

    /** Scrapes every endpoint in parallel and keeps the look. A node that does not answer counts as not scraped. */
    public Glance look() {
        List<Target> ts = sources.targets().get();
        List<CompletableFuture<Optional<List<Sample>>>> scrapes = ts.stream()
                .map(t -> t.running() && t.metricsUrl().isPresent() ? scrape(t.metricsUrl().get())
                        : CompletableFuture.completedFuture(Optional.<List<Sample>>empty()))
                .toList();
        CompletableFuture<Optional<List<Sample>>> lag = sources.exporterUrl().get().map(this::scrape)
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
        CompletableFuture<Optional<ClusterHealth.Look>> admin = CompletableFuture.supplyAsync(sources.health());
        List<NodeLook> nodes = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            nodes.add(NodeLook.of(ts.get(i), scrapes.get(i).join()));
        }
        Glance g = new Glance(System.currentTimeMillis(), nodes, lag.join().map(Glance::lagByGroup).orElse(Map.of()), diskUsed(),
                admin.join().orElse(null));
        synchronized (history) {
            history.addLast(g);
            while (history.size() > KEPT) {
                history.removeFirst();
            }
        }
        return g;
    }

    private CompletableFuture<Optional<List<Sample>>> scrape(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(SCRAPE_TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> r.statusCode() == 200 ? Optional.of(PrometheusText.parse(r.body())) : Optional.<List<Sample>>empty())
                .exceptionally(e -> Optional.empty());
    }

    private Double diskUsed() {
        try {
            var store = Files.getFileStore(dataDir);
            return store.getTotalSpace() == 0 ? null : 1.0 - (double) store.getUsableSpace() / store.getTotalSpace();
        } catch (IOException e) {
            return null;
        }
    }

    /** When the last look was taken; 0 before the first. */
    public long lastLookAt() {
        synchronized (history) {
            return history.isEmpty() ? 0 : history.peekLast().at();
        }
    }

    /** What the page shows: the latest look with its rates, and every kept look as chart series. */
    public ObjectNode view() {
        List<Glance> looks;
        synchronized (history) {
            looks = List.copyOf(history);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("cluster", clusterName);
        out.put("intervalSeconds", interval.toSeconds());
        out.put("metrics", sources.targets().get().stream().anyMatch(t -> t.metricsUrl().isPresent()));
        out.put("lagExporter", sources.exporterUrl().get().isPresent());
        out.put("admin", !looks.isEmpty() && looks.get(looks.size() - 1).health() != null);
        rebalances(out.putArray("rebalances"));
        if (looks.isEmpty()) {
            return out;
        }
        Glance last = looks.get(looks.size() - 1);
        Glance before = looks.size() > 1 ? looks.get(looks.size() - 2) : null;
        out.put("at", last.at());
        Glance.Headline h = last.headline();
        ObjectNode head = out.putObject("headline");
        head.put("brokersOnline", h.brokersOnline());
        head.put("brokers", h.brokers());
        if (h.activeController() == null) {
            head.putNull("activeController");
        } else {
            head.put("activeController", h.activeController());
        }
        putNumber(head, "underReplicated", h.underReplicated());
        putNumber(head, "offlinePartitions", h.offlinePartitions());
        putNumber(head, "underMinIsr", h.underMinIsr());
        putNumber(head, "diskUsedPercent", last.diskUsedFraction() == null ? null : 100 * last.diskUsedFraction());

        nodes(out.putArray("nodes"), last, before);
        ArrayNode groups = out.putArray("groups");
        last.lagByGroup().forEach((group, lag) -> groups.addObject().put("group", group).put("lag", lag));

        ObjectNode hist = out.putObject("history");
        ArrayNode t = hist.putArray("t");
        looks.stream().skip(1).forEach(g -> t.add(g.at()));
        hist.set("bytesIn", series(looks, (a, b) -> rates(a, b, NodeLook::bytesIn)));
        hist.set("bytesOut", series(looks, (a, b) -> rates(a, b, NodeLook::bytesOut)));
        hist.set("messagesIn", series(looks, (a, b) -> rates(a, b, NodeLook::messagesIn)));
        hist.set("heapUsed", series(looks, (a, b) -> heap(b)));
        hist.set("lag", series(looks, (a, b) -> b.lagByGroup()));
        return out;
    }

    /** Each node of the latest look: its state, rates since the look before, heap, and its partitions, leaders and log size. */
    private void nodes(ArrayNode nodes, Glance last, Glance before) {
        for (NodeLook n : last.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("id", n.target().id());
            o.put("name", n.target().name());
            n.target().roles().forEach(o.putArray("roles")::add);
            o.put("state", n.target().running() ? "Running" : "Stopped");
            o.put("scraped", n.scraped());
            NodeLook prev = before == null ? null : find(before, n.target().id());
            putNumber(o, "bytesInPerSec", rate(before, prev, last, n, NodeLook::bytesIn));
            putNumber(o, "bytesOutPerSec", rate(before, prev, last, n, NodeLook::bytesOut));
            putNumber(o, "messagesInPerSec", rate(before, prev, last, n, NodeLook::messagesIn));
            // a broker's partitions, leaders and log size from the Admin API when it answered, else from its metrics
            ClusterHealth.BrokerLoad load = last.health() == null || !n.target().isBroker() ? null
                    : last.health().brokers().get(n.target().id());
            putNumber(o, "logBytes", load != null && load.logBytes() >= 0 ? Double.valueOf(load.logBytes())
                    : last.health() != null ? null : n.logBytes());
            // the fullest of its log directories, as the broker reports it
            var fullest = load == null ? java.util.Optional.<io.keks.engine.DiskUse>empty() : load.fullest();
            o.put("disk", fullest.map(io.keks.engine.DiskUse::brief).orElse(null));
            putNumber(o, "diskUsedPercent", fullest.filter(d -> d.percentUsed() >= 0).map(d -> (double) d.percentUsed()).orElse(null));
            putNumber(o, "heapUsed", n.heapUsed());
            putNumber(o, "heapMax", n.heapMax());
            putNumber(o, "partitions", load != null ? Double.valueOf(load.replicas()) : last.health() != null ? null : n.partitions());
            putNumber(o, "leaders", load != null ? Double.valueOf(load.leaders()) : last.health() != null ? null : n.leaders());
        }
    }

    private static NodeLook find(Glance g, int id) {
        return g.nodes().stream().filter(n -> n.target().id() == id).findFirst().orElse(null);
    }

    /**
     * Per second between two looks at a counter; null when either look lacks it, the counter went
     * back (the node restarted), or the looks are too far apart to be one chart line.
     */
    private Double rate(Glance a, NodeLook av, Glance b, NodeLook bv, Function<NodeLook, Double> counter) {
        if (a == null || av == null || bv == null) {
            return null;
        }
        Double x = counter.apply(av);
        Double y = counter.apply(bv);
        long ms = b.at() - a.at();
        if (x == null || y == null || y < x || ms <= 0 || ms > 3 * interval.toMillis() + 2_000) {
            return null;
        }
        return (y - x) * 1000.0 / ms;
    }

    /**
     * One chart line per name the looks give values for (a node, a group), one value per look after
     * the first; a name missing from a look gets a gap there.
     */
    private static ObjectNode series(List<Glance> looks, BiFunction<Glance, Glance, Map<String, Double>> values) {
        List<Map<String, Double>> at = new ArrayList<>();
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (int i = 1; i < looks.size(); i++) {
            Map<String, Double> v = values.apply(looks.get(i - 1), looks.get(i));
            v.keySet().forEach(k -> names.put(k, true));
            at.add(v);
        }
        ObjectNode out = JSON.createObjectNode();
        for (String name : names.keySet()) {
            ArrayNode s = out.putArray(name);
            for (Map<String, Double> v : at) {
                Double x = v.get(name);
                if (x == null) {
                    s.addNull();
                } else {
                    s.add(x);
                }
            }
        }
        return out;
    }

    /** Each broker's rate of {@code counter} between two looks, by node name. */
    private Map<String, Double> rates(Glance a, Glance b, Function<NodeLook, Double> counter) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (NodeLook n : b.nodes()) {
            if (n.target().isBroker()) {
                Double r = rate(a, find(a, n.target().id()), b, n, counter);
                if (r != null) {
                    out.put(n.target().name(), r);
                }
            }
        }
        return out;
    }

    private static Map<String, Double> heap(Glance g) {
        Map<String, Double> out = new LinkedHashMap<>();
        g.nodes().stream().filter(n -> n.heapUsed() != null).forEach(n -> out.put(n.target().name(), n.heapUsed()));
        return out;
    }

    /** Each KafkaRebalance's state, and how far a running one is. */
    private void rebalances(ArrayNode out) {
        sources.rebalances().get().forEach((name, state) -> {
            ObjectNode o = out.addObject();
            o.put("name", name);
            o.put("state", state.state());
            o.put("message", state.reason());
            if (state.progress() != null) {
                o.put("partitionsDone", state.progress().partitionsDone());
                o.put("partitions", state.progress().partitions());
                o.put("percent", state.progress().percent());
            }
        });
    }

    private static void putNumber(ObjectNode o, String field, Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
