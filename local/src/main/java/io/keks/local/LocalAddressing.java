package io.keks.local;

import io.keks.engine.roll.NodeRuntime;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ExporterSpec;
import io.keks.model.ListenerSpec;
import io.keks.model.MetricsSpec;
import io.keks.model.NodeAddressing;
import io.keks.model.VolumeSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Every node on 127.0.0.1. A listener's port is the manifest's port plus 100 per node id (plus the
 * cluster's shift): broker 0 serves the seed's plain listener on 9092, broker 1 on 9192, and so on.
 */
public record LocalAddressing(Path clusterDir, int portShift, Optional<KeyStoreFiles> keyStoreTemplate, boolean internalTls)
        implements NodeAddressing {
    public static final String HOST = "127.0.0.1";
    /** Where the supervisor serves {@code keks dashboard}, before the cluster's shift. */
    public static final int DASHBOARD_PORT = 9080;
    /**
     * Ports above 1023 that browsers refuse to load a page from (the Fetch standard's "bad ports"; Chromium
     * says ERR_UNSAFE_PORT): the dashboard must not land on one, as 9080 does with a shift of 1000.
     */
    private static final Set<Integer> BROWSER_BLOCKED = Set.of(1719, 1720, 1723, 2049, 3659, 4045, 4190,
            5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080);

    @Override
    public String host(DesiredNode node) {
        return HOST;
    }

    /** Where the other controllers reach {@code controller}: its control-plane listener on this machine. */
    public NodeRuntime.HostPort controlPlane(DesiredNode controller) {
        return new NodeRuntime.HostPort(HOST, port(controller, ListenerSpec.CONTROLPLANE));
    }

    @Override
    public int port(DesiredNode node, ListenerSpec listener) {
        return port(node.id(), listener.port());
    }

    public int port(int nodeId, int listenerPort) {
        return listenerPort + portShift + 100 * nodeId;
    }

    /** Where node {@code id} serves Prometheus metrics when the manifests ask for them. */
    public int metricsPort(int nodeId) {
        return port(nodeId, MetricsSpec.PORT);
    }

    @Override
    public String metricsListener(DesiredNode node) {
        return "http://" + HOST + ":" + metricsPort(node.id());
    }

    /** Where the consumer-lag exporter serves, when the manifests ask for it. */
    public int exporterPort() {
        return ExporterSpec.PORT + portShift;
    }

    /** Where the supervisor serves the dashboard page. */
    public int dashboardPort() {
        return dashboardPort(portShift);
    }

    /** 9080 plus the shift, or the next port a browser will load a page from (10081 for a shift of 1000). */
    public static int dashboardPort(int portShift) {
        int port = DASHBOARD_PORT + portShift;
        while (BROWSER_BLOCKED.contains(port)) {
            port++;
        }
        return port;
    }

    /**
     * Ports two of the cluster's servers would both take on this machine, where a listener's port is moved by 100 per
     * node id, and ports past 65535: each said with what takes it and what to change. Empty when every port is free of
     * the others.
     */
    public List<String> portClashes(DesiredCluster cluster) {
        Map<Integer, String> taken = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        BiConsumer<Integer, String> take = (port, what) -> {
            if (port > 65535) {
                clashes.add(what + " would be port " + port + ", past 65535; use lower node ids, listener ports or --port-shift");
                return;
            }
            String other = taken.putIfAbsent(port, what);
            if (other != null) {
                clashes.add(what + " and " + other + " would both be port " + port + " here, where a listener's port is moved by"
                        + " 100 per node id; keep the listeners' ports less than 100 apart (e.g. 9092, 9093, 9094)");
            }
        };
        for (DesiredNode n : cluster.nodes()) {
            for (ListenerSpec l : cluster.listenersOf(n)) {
                take.accept(port(n, l), "node " + n.id() + "'s listener " + l.name() + " (" + l.port() + " + 100 x " + n.id()
                        + (portShift == 0 ? "" : " + " + portShift) + ")");
            }
            if (cluster.metricsSpec().isPresent()) {
                take.accept(metricsPort(n.id()), "node " + n.id() + "'s metrics endpoint");
            }
        }
        if (cluster.exporterSpec().isPresent()) {
            take.accept(exporterPort(), "the lag exporter");
        }
        take.accept(dashboardPort(), "the dashboard");
        return clashes;
    }

    public Path nodeDir(int id) {
        return clusterDir.resolve("nodes").resolve(String.valueOf(id));
    }

    @Override
    public List<String> volumeDirs(DesiredNode node) {
        return node.volumes().stream().map(v -> volumeDir(node.id(), v).toString()).toList();
    }

    public Path volumeDir(int nodeId, VolumeSpec v) {
        return nodeDir(nodeId).resolve("data-" + v.id());
    }

    @Override
    public Optional<KeyStoreFiles> clientsTrustStore(DesiredNode node) {
        return keyStoreTemplate.map(t -> new KeyStoreFiles(clusterDir.resolve("ca").resolve("clients-truststore.p12").toString(),
                t.password()));
    }

    @Override
    public Optional<KeyStoreFiles> trustStore(DesiredNode node) {
        return keyStoreTemplate.filter(t -> internalTls).map(t -> new KeyStoreFiles(clusterDir.resolve("ca").resolve("truststore.p12").toString(), t.password()));
    }

    @Override
    public Optional<KeyStoreFiles> keyStore(DesiredNode node) {
        return keyStoreTemplate.map(t -> new KeyStoreFiles(nodeDir(node.id()).resolve("keystore.p12").toString(), t.password()));
    }
}
