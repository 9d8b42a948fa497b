package io.keks.local;

import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The ports a local cluster's nodes listen on, for what {@code keks up} checks before it starts them:
 * the highest (against the ephemeral range) and those something else already holds.
 *
 * @param running whether node {@code id} runs now (its ports are its own)
 */
public record ClusterPorts(DesiredCluster desired, LocalAddressing addressing, IntPredicate running) {

    /** The highest port any node of this cluster listens on. */
    public int highest() {
        int max = 0;
        for (DesiredNode n : desired.nodes()) {
            max = Math.max(max, addressing.port(n, ListenerSpec.CONTROLPLANE));
            for (ListenerSpec l : desired.listeners()) {
                max = Math.max(max, addressing.port(n, l));
            }
            if (desired.metricsSpec().isPresent()) {
                max = Math.max(max, addressing.metricsPort(n.id()));
            }
        }
        return desired.exporterSpec().isPresent() ? Math.max(max, addressing.exporterPort()) : max;
    }

    /** Ports that nodes which are not running would need but something else holds, each with whose it is. */
    public List<String> busy() {
        List<String> busy = new ArrayList<>();
        for (DesiredNode n : desired.nodes()) {
            if (running.test(n.id())) {
                continue;
            }
            String node = desired.name() + "-" + n.pool() + "-" + n.id();
            for (ListenerSpec l : desired.listenersOf(n)) {
                int port = addressing.port(n, l);
                if (!PortShifts.free(port)) {
                    busy.add(port + " (" + node + ", listener " + l.name() + ")");
                }
            }
            if (desired.metricsSpec().isPresent() && !PortShifts.free(addressing.metricsPort(n.id()))) {
                busy.add(addressing.metricsPort(n.id()) + " (" + node + ", metrics)");
            }
        }
        if (desired.exporterSpec().isPresent() && !PortShifts.free(addressing.exporterPort())) {
            busy.add(addressing.exporterPort() + " (consumer-lag exporter)");
        }
        return busy;
    }
}
