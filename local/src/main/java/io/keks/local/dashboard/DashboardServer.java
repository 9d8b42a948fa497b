package io.keks.local.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code keks dashboard}: the cluster at a glance on a local web page. The page and its script come
 * from this jar (nothing is fetched from elsewhere) and ask {@code /api/glance} for the numbers.
 * Looks are taken only while someone watches (the page asked in the last {@link #WATCHED}): a
 * scrape makes each node walk its MBeans, which costs a cluster of thousands of topics real CPU.
 */
public final class DashboardServer implements AutoCloseable {
    static final Duration WATCHED = Duration.ofMinutes(2);
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");

    private final HttpServer http;
    private final ScheduledExecutorService looker;
    private final DashboardSampler sampler;
    private final Duration interval;
    private volatile long lastWatched;

    public DashboardServer(InetSocketAddress address, DashboardSampler sampler, Duration interval) throws IOException {
        this.sampler = sampler;
        this.interval = interval;
        this.http = HttpServer.create(address, 16);
        http.createContext("/", this::serve);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().name("keks-dashboard-http").daemon().unstarted(r)));
        this.looker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("keks-dashboard-look").daemon().unstarted(r));
        http.start();
        looker.scheduleWithFixedDelay(this::lookIfWatched, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void lookIfWatched() {
        if (System.currentTimeMillis() - lastWatched < WATCHED.toMillis()) {
            try {
                synchronized (sampler) {
                    // a page that just asked may have taken a look itself
                    if (System.currentTimeMillis() - sampler.lastLookAt() > interval.toMillis() / 2) {
                        sampler.look();
                    }
                }
            } catch (RuntimeException e) {
                // the next look tries again; the page shows the last one's time
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET is served here\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/glance")) {
                boolean idle = System.currentTimeMillis() - lastWatched >= WATCHED.toMillis();
                lastWatched = System.currentTimeMillis();
                // a page opened after a quiet spell gets a fresh look at once, not a stale one
                if (idle || System.currentTimeMillis() - sampler.lastLookAt() > 2 * interval.toMillis()) {
                    synchronized (sampler) {
                        if (System.currentTimeMillis() - sampler.lastLookAt() > interval.toMillis()) {
                            sampler.look();
                        }
                    }
                }
                send(exchange, 200, "application/json", sampler.view().toString().getBytes(StandardCharsets.UTF_8));
            } else if (ASSETS.containsKey(path)) {
                String name = ASSETS.get(path);
                try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
                    if (in == null) {
                        send(exchange, 500, "text/plain; charset=utf-8", ("missing from the jar: " + name + "\n").getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    send(exchange, 200, type(name), in.readAllBytes());
                }
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", ("no such page: " + path + "; the dashboard is at /\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        looker.shutdownNow();
        http.stop(0);
        ((ExecutorService) http.getExecutor()).shutdownNow();
    }
}
