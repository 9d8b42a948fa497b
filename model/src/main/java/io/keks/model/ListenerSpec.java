package io.keks.model;

/**
 * A Kafka listener. {@code kafkaName} follows Strimzi's naming ({@code PLAIN-9092}), so the
 * listener names in server.properties match what Strimzi users see in their brokers' configs.
 */
public record ListenerSpec(String name, int port, String type, boolean tls) {
    /** Controller-to-controller and broker-to-controller traffic. */
    public static final ListenerSpec CONTROLPLANE = new ListenerSpec("controlplane", 9090, "internal", false);
    /** Broker-to-broker replication traffic. */
    public static final ListenerSpec REPLICATION = new ListenerSpec("replication", 9091, "internal", false);

    public String kafkaName() {
        return name.toUpperCase() + "-" + port;
    }

    public String securityProtocol() {
        return tls ? "SSL" : "PLAINTEXT";
    }
}
