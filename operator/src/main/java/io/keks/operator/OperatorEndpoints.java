package io.keks.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoints, on one port: /metrics (Prometheus text), /healthz (the process
 * serves: liveness) and /readyz (the controllers run and their caches are in sync: readiness).
 */
final class OperatorEndpoints implements AutoCloseable {
    private final HttpServer server;

    /** @param beforeScrape brings gauges that are counted on demand up to date */
    OperatorEndpoints(int port, PrometheusMeterRegistry registry, Runnable beforeScrape, BooleanSupplier ready) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", ex -> {
            beforeScrape.run();
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            send(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "starting\n");
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("keks-endpoints").daemon().unstarted(r)));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
