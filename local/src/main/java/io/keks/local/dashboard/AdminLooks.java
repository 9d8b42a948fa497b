package io.keks.local.dashboard;

import io.keks.engine.ClusterHealth;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * The dashboard's looks through the Admin API, which answer whether or not the nodes export metrics.
 * One Admin client is kept while looks succeed; after a failure the next look connects afresh (the
 * brokers may have changed with a scale).
 */
public final class AdminLooks implements Supplier<Optional<ClusterHealth.Look>>, AutoCloseable {
    private static final long TIMEOUT_MS = 3_000;
    private final Callable<Admin> connect;
    private Admin admin;
    private ClusterHealth health;

    public AdminLooks(Callable<Admin> connect) {
        this.connect = connect;
    }

    @Override
    public synchronized Optional<ClusterHealth.Look> get() {
        try {
            if (health == null) {
                admin = connect.call();
                health = new ClusterHealth(admin, TIMEOUT_MS);
            }
            return Optional.of(health.look());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            close();
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        admin = null;
        health = null;
    }
}
