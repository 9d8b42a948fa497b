package io.keks.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The server.properties of one node. Pure: the same cluster and addressing give the same text, so
 * a runtime can compare what it would write with what a node runs.
 */
public final class ServerProperties {
    /** Kafka data lives in this sub-directory of each volume, as with Strimzi's kafka-log&lt;id&gt;. */
    public static String logDir(String volumeDir, DesiredNode node) {
        return volumeDir + "/kafka-log" + node.id();
    }

    /** The certificate subject, as Kafka names it, of keks' own Admin client in a secured cluster. */
    public static final String KEKS_COMMON_NAME = "keks-admin";
    public static final String KEKS_PRINCIPAL = "CN=" + KEKS_COMMON_NAME + ",O=io.keks";

    private ServerProperties() {
    }

    /** The common name every node's certificate carries, so that one super user covers the nodes of any pool and size. */
    public static String nodeCommonName(DesiredCluster cluster) {
        return cluster.name() + "-kafka";
    }

    /** The certificate subject, as Kafka names it, of every node in a secured cluster. */
    public static String internalPrincipal(DesiredCluster cluster) {
        return "CN=" + nodeCommonName(cluster) + ",O=io.keks";
    }

    /** The common name of the certificate the consumer-lag exporter's pod has on Kubernetes (a super user: it describes everything). */
    public static String exporterCommonName(DesiredCluster cluster) {
        return cluster.name() + "-kafka-exporter";
    }

    public static Map<String, String> of(DesiredCluster cluster, DesiredNode node, NodeAddressing addressing) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", node.processRoles());
        p.put("node.id", String.valueOf(node.id()));
        p.put("controller.listener.names", ListenerSpec.CONTROLPLANE.kafkaName());
        p.put("controller.quorum.bootstrap.servers", cluster.controllers().stream()
                .map(c -> addressing.host(c) + ":" + addressing.port(c, ListenerSpec.CONTROLPLANE))
                .collect(Collectors.joining(",")));

        listeners(p, cluster, node, addressing);
        security(p, cluster, node, addressing);
        storage(p, node, addressing);
        p.putAll(node.machineConfig());
        p.putAll(cluster.config());
        cluster.metricsSpec().filter(MetricsSpec::reporter)
                .ifPresent(m -> p.putAll(m.reporterConfig(addressing.metricsListener(node), cluster.config())));
        return p;
    }

    /** Which listeners the node binds and advertises, and the inter-broker one. */
    private static void listeners(Map<String, String> p, DesiredCluster cluster, DesiredNode node, NodeAddressing addressing) {
        List<ListenerSpec> listeners = cluster.listenersOf(node);
        String host = addressing.host(node);
        String bind = addressing.bindHost(node);
        p.put("listeners", listeners.stream()
                .map(l -> l.kafkaName() + "://" + bind + ":" + addressing.port(node, l)).collect(Collectors.joining(",")));
        if (node.isBroker()) {
            p.put("advertised.listeners", listeners.stream().filter(l -> l != ListenerSpec.CONTROLPLANE)
                    .map(l -> l.kafkaName() + "://" + host + ":" + addressing.port(node, l)).collect(Collectors.joining(",")));
            p.put("inter.broker.listener.name", ListenerSpec.REPLICATION.kafkaName());
        }
    }

    /** Each listener's security: internal mutual TLS, clients' certificates or SCRAM logins, the authorizer, the key stores. */
    private static void security(Map<String, String> p, DesiredCluster cluster, DesiredNode node, NodeAddressing addressing) {
        // the runtime says whether the internal listeners run mutual TLS by offering the trust store for them
        boolean internalTls = addressing.trustStore(node).isPresent();
        List<ListenerSpec> protocols = new ArrayList<>(List.of(ListenerSpec.CONTROLPLANE, ListenerSpec.REPLICATION));
        protocols.addAll(cluster.listeners());
        p.put("listener.security.protocol.map", protocols.stream()
                .map(l -> l.kafkaName() + ":" + (internalTls && (l == ListenerSpec.CONTROLPLANE || l == ListenerSpec.REPLICATION)
                        ? "SSL" : l.securityProtocol())).collect(Collectors.joining(",")));
        if (internalTls) {
            // every node, and keks itself, proves who it is on the internal listeners with a certificate of the cluster CA
            NodeAddressing.KeyStoreFiles ks = addressing.keyStore(node).orElseThrow();
            NodeAddressing.KeyStoreFiles ts = addressing.trustStore(node).orElseThrow();
            for (ListenerSpec l : List.of(ListenerSpec.CONTROLPLANE, ListenerSpec.REPLICATION)) {
                String prefix = "listener.name." + l.kafkaName().toLowerCase() + ".";
                p.put(prefix + "ssl.keystore.type", "PKCS12");
                p.put(prefix + "ssl.keystore.location", ks.path());
                p.put(prefix + "ssl.keystore.password", ks.password());
                p.put(prefix + "ssl.truststore.type", "PKCS12");
                p.put(prefix + "ssl.truststore.location", ts.path());
                p.put(prefix + "ssl.truststore.password", ts.password());
                p.put(prefix + "ssl.client.auth", "required");
            }
        }
        for (ListenerSpec l : cluster.listeners()) {
            if (node.isBroker() && l.mutualTls()) {
                // clients prove who they are with a certificate of the clients CA, and only of it
                String prefix = "listener.name." + l.kafkaName().toLowerCase() + ".";
                addressing.clientsTrustStore(node).ifPresent(ts -> {
                    p.put(prefix + "ssl.truststore.type", "PKCS12");
                    p.put(prefix + "ssl.truststore.location", ts.path());
                    p.put(prefix + "ssl.truststore.password", ts.password());
                });
                p.put(prefix + "ssl.client.auth", "required");
            }
            if (node.isBroker() && l.scram()) {
                String prefix = "listener.name." + l.kafkaName().toLowerCase() + ".";
                p.put(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
                p.put(prefix + "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
        }
        cluster.authorizationSpec().ifPresent(a -> {
            p.put("authorizer.class.name", AuthorizationSpec.AUTHORIZER);
            List<String> supers = new ArrayList<>(List.of("User:" + internalPrincipal(cluster), "User:" + KEKS_PRINCIPAL));
            if (cluster.exporterSpec().isPresent()) {
                supers.add("User:CN=" + exporterCommonName(cluster) + ",O=io.keks");
            }
            a.superUsers().forEach(u -> supers.add("User:" + u));
            p.put("super.users", String.join(";", supers));
        });
        if (node.isBroker()) {
            addressing.keyStore(node).ifPresent(ks -> cluster.listeners().stream().filter(ListenerSpec::tls).forEach(l -> {
                String prefix = "listener.name." + l.kafkaName().toLowerCase() + ".";
                p.put(prefix + "ssl.keystore.type", "PKCS12");
                p.put(prefix + "ssl.keystore.location", ks.path());
                p.put(prefix + "ssl.keystore.password", ks.password());
            }));
        }
    }

    /** Where the node keeps its logs and the metadata log, and its rack. */
    private static void storage(Map<String, String> p, DesiredNode node, NodeAddressing addressing) {
        List<String> dirs = addressing.volumeDirs(node);
        List<String> logDirs = new ArrayList<>();
        String metadataDir = null;
        for (int i = 0; i < node.volumes().size(); i++) {
            String dir = logDir(dirs.get(i), node);
            if (node.volumes().get(i) == node.metadataVolume()) {
                metadataDir = dir;
            }
            logDirs.add(dir);
        }
        p.put("log.dirs", node.isBroker() ? String.join(",", logDirs) : metadataDir);
        p.put("metadata.log.dir", metadataDir);
        if (node.rack() != null) {
            p.put("broker.rack", node.rack());
        }
    }

    /** The properties as file text, keys in a stable order, with a header saying who wrote them. */
    public static String render(Map<String, String> properties, String header) {
        StringBuilder sb = new StringBuilder();
        for (String line : header.split("\n")) {
            sb.append("# ").append(line).append('\n');
        }
        properties.forEach((k, v) -> sb.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return sb.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '=', ':' -> sb.append(key ? "\\" + c : String.valueOf(c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
