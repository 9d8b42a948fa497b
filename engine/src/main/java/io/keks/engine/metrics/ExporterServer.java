package io.keks.engine.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keks.model.ExporterSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * Serves the {@link LagExporter}'s last poll at {@code /metrics}. Polls run on an interval with the
 * one Admin client the server is given, never per scrape, so any number of scrapers cost Kafka
 * nothing more. A failed poll keeps the last good numbers and says so in
 * {@code keks_lag_exporter_last_poll_success}.
 */
public final class ExporterServer implements AutoCloseable {
    private final HttpServer http;
    private final ScheduledExecutorService poller;
    private final LagExporter exporter;
    private final Supplier<ExporterSpec> spec;
    private final Consumer<String> log;
    private volatile String lastGood = "";
    private volatile boolean lastOk;
    private volatile double lastSeconds;
    private volatile String lastError;

    /**
     * @param spec read before each poll, so changed patterns apply at the next one
     * @param log  where a failed poll is told, once per change of its message
     */
    public ExporterServer(InetSocketAddress address, Admin admin, Supplier<ExporterSpec> spec, Duration interval,
                          Consumer<String> log) throws IOException {
        this.exporter = new LagExporter(admin, Math.max(5_000, interval.toMillis()));
        this.spec = spec;
        this.log = log;
        this.http = HttpServer.create(address, 16);
        http.createContext("/metrics", this::serve);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("keks-exporter-http").daemon().unstarted(r)));
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("keks-exporter-poll").daemon().unstarted(r));
        http.start();
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void poll() {
        long start = System.nanoTime();
        try {
            lastGood = exporter.poll(spec.get());
            lastOk = true;
            lastError = null;
        } catch (Exception e) {
            lastOk = false;
            String message = e.getCause() != null ? e.getCause().toString() : e.toString();
            // while the cluster starts, polls fail as a matter of course: told only once one has succeeded
            if (!lastGood.isEmpty() && !message.equals(lastError)) {
                log.accept("consumer-lag exporter: a poll failed (" + message + "); serving the last good numbers");
            }
            lastError = message;
        } finally {
            lastSeconds = (System.nanoTime() - start) / 1e9;
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String text = lastGood + new PrometheusText.Writer()
                    .family("keks_lag_exporter_last_poll_success", "gauge", "1 when the exporter's last poll of Kafka succeeded.")
                    .sample("keks_lag_exporter_last_poll_success", lastOk ? 1 : 0)
                    .family("keks_lag_exporter_poll_duration_seconds", "gauge", "How long the exporter's last poll of Kafka took.")
                    .sample("keks_lag_exporter_poll_duration_seconds", lastSeconds)
                    .text();
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        http.stop(0);
        ((ExecutorService) http.getExecutor()).shutdownNow();
    }
}
