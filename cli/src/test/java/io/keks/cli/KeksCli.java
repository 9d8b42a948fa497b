package io.keks.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Runs keks commands in the test JVM, as a user would type them, and keeps what they print. */
final class KeksCli {
    record Result(int exitCode, String out, String err) {
    }

    private KeksCli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(rc, out.toString(), err.toString());
    }

    static synchronized Result runWithInput(String input, String... args) {
        InputStream previous = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(previous);
        }
    }

    /**
     * A port shift under which every port the seed cluster needs (9090..9593 plus the shift) is
     * free now, so tests never collide with a cluster someone else runs.
     */
    static int freePortShift() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int shift = 1000 * ThreadLocalRandom.current().nextInt(10, 50);
            if (allFree(9090 + shift, 9600 + shift)) {
                return shift;
            }
        }
        throw new IllegalStateException("no free port range found for a test cluster");
    }

    private static boolean allFree(int from, int to) {
        for (int id = 0; id < 6; id++) {
            for (int port : new int[] {9090, 9091, 9092, 9093}) {
                int p = port + 100 * id + (from - 9090);
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                    s.setReuseAddress(true);
                } catch (Exception e) {
                    return false;
                }
            }
        }
        return to > from;
    }
}
