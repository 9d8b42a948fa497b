package io.keks.cli;

import io.keks.engine.DiskUse;
import io.keks.local.ClusterStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Tables in the style of kubectl: upper-case headers, columns padded by the widest cell. */
final class StatusPrinter {
    private StatusPrinter() {
    }

    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                sb.append(r.get(i));
                if (i < r.size() - 1) {
                    sb.append(" ".repeat(width[i] - r.get(i).length() + 3));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    static void kafka(PrintWriter out, ClusterStatus s) {
        long warnings = s.conditions().stream().filter(c -> c.type().equals("Warning")).count();
        table(out, List.of("NAME", "READY", "METADATA STATE", "KAFKA VERSION", "WARNINGS", "BOOTSTRAP"),
                List.of(List.of(s.name(), s.ready() ? "True" : "False", s.metadataState(), s.kafkaVersion(),
                        warnings > 0 ? "True" : "", s.bootstrap())));
    }

    static void nodes(PrintWriter out, ClusterStatus s) {
        List<List<String>> rows = new ArrayList<>();
        long now = System.currentTimeMillis();
        // while a change is under way: the Kafka version each node runs and why it is yet to restart
        boolean changing = s.nodes().stream().anyMatch(n -> !n.pendingRestart().isEmpty())
                || s.nodes().stream().map(ClusterStatus.Node::kafkaVersion).filter(v -> v != null).distinct().count() > 1;
        for (ClusterStatus.Node n : s.nodes()) {
            String roles = String.join(",", n.roles()) + (s.activeController() != null && s.activeController() == n.id()
                    ? " (active)" : n.roles().contains("controller") && !s.voters().isEmpty() && !s.voters().contains(n.id())
                    ? " (not voting)" : "");
            List<String> row = new ArrayList<>(List.of(n.name(), n.state().equals("Running") ? "1/1" : "0/1", n.state(),
                    String.valueOf(n.restarts()), n.startedAt() > 0 ? age(now - n.startedAt()) : "-", roles,
                    n.rack() == null ? "-" : n.rack(), n.pid() == null ? "-" : String.valueOf(n.pid()),
                    n.disks().isEmpty() ? "-" : n.disks().stream().map(DiskUse::brief).collect(Collectors.joining(", "))));
            if (changing) {
                row.add(n.kafkaVersion() == null ? "-" : n.kafkaVersion());
                row.add(n.pendingRestart().isEmpty() ? "-" : String.join(",", n.pendingRestart()));
            }
            rows.add(row);
        }
        // DISK: each log directory of a broker, how full its volume is
        List<String> header = new ArrayList<>(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "ROLES", "RACK", "PID", "DISK"));
        if (changing) {
            header.addAll(List.of("KAFKA", "PENDING RESTART"));
        }
        table(out, header, rows);
    }

    static String age(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (d.toSeconds() < 120) {
            return d.toSeconds() + "s";
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + "m";
        }
        if (d.toHours() < 48) {
            return d.toHours() + "h";
        }
        return d.toDays() + "d";
    }
}
