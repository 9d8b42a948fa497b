package io.keks.local;

import io.keks.model.ExporterSpec;
import io.keks.model.MetricsSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port shifts ({@code keks up --port-shift}). Listener ports must stay below the machine's
 * ephemeral port range: a client that dials a port in that range before its node listens can be
 * connected to itself by the kernel (TCP self-connect), reads its own request back and fails.
 */
public final class PortShifts {
    /** Highest port a six-node cluster uses before its shift: node 5's metrics endpoint (9404 + 500). */
    private static final int HIGHEST_BASE_PORT = 9904;

    private PortShifts() {
    }

    /** A shift under which every port of a six-node cluster is free now and below the ephemeral range. */
    public static int free() {
        int maxShift = (ephemeralStart() - 1 - HIGHEST_BASE_PORT) / 1000 * 1000;
        for (int attempt = 0; attempt < 50; attempt++) {
            int shift = 1000 * ThreadLocalRandom.current().nextInt(1, Math.max(2, maxShift / 1000 + 1));
            if (shiftFree(shift)) {
                return shift;
            }
        }
        throw new IllegalStateException("no free port range for a cluster below port " + ephemeralStart());
    }

    /** The first port of this machine's ephemeral range (Linux: ip_local_port_range; 32768 elsewhere). */
    public static int ephemeralStart() {
        try {
            Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
            if (Files.exists(range)) {
                // read by line: procfs reports no size, and Files.readString returned one byte of it
                try (var reader = Files.newBufferedReader(range)) {
                    return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the common default
        }
        return 32768;
    }

    private static boolean shiftFree(int shift) {
        for (int id = 0; id < 6; id++) {
            for (int port : new int[] {9090, 9091, 9092, 9093, MetricsSpec.PORT}) {
                if (!free(port + 100 * id + shift)) {
                    return false;
                }
            }
        }
        return free(ExporterSpec.PORT + shift) && free(LocalAddressing.dashboardPort(shift));
    }

    /** Whether nothing listens on {@code port} of the address local nodes listen on. */
    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(LocalAddressing.HOST))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
