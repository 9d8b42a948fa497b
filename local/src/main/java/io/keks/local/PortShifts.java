package io.keks.local;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a {@code --port-shift} under which a cluster of up to six nodes (ids 0-5) with listeners on
 * 9092/9093 finds every port free right now: for tests, and to suggest one when the ports are busy.
 */
public final class PortShifts {
    private PortShifts() {
    }

    public static int free() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int shift = 1000 * ThreadLocalRandom.current().nextInt(10, 50);
            if (free(shift)) {
                return shift;
            }
        }
        throw new IllegalStateException("no free port range for a test cluster");
    }

    private static boolean free(int shift) {
        for (int id = 0; id < 6; id++) {
            for (int port : new int[] {9090, 9091, 9092, 9093}) {
                try (ServerSocket s = new ServerSocket(port + 100 * id + shift, 1, InetAddress.getByName("127.0.0.1"))) {
                    s.setReuseAddress(true);
                } catch (Exception e) {
                    return false;
                }
            }
        }
        return true;
    }
}
