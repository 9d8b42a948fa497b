package io.keks.model;

/**
 * A Kafka listener. {@code kafkaName} follows Strimzi's naming ({@code PLAIN-9092}), so the
 * listener names in server.properties match what Strimzi users see in their brokers' configs.
 *
 * @param authentication how clients authenticate: {@value DesiredUser#SCRAM}, {@value DesiredUser#TLS} (a
 *                       certificate of the clients CA), or null for not at all
 */
public record ListenerSpec(String name, int port, String type, boolean tls, String authentication) {
    /** Controller-to-controller and broker-to-controller traffic. */
    public static final ListenerSpec CONTROLPLANE = new ListenerSpec("controlplane", 9090, "internal", false, null);
    /** Broker-to-broker replication traffic. */
    public static final ListenerSpec REPLICATION = new ListenerSpec("replication", 9091, "internal", false, null);

    public String kafkaName() {
        return name.toUpperCase() + "-" + port;
    }

    public boolean scram() {
        return DesiredUser.SCRAM.equals(authentication);
    }

    /** Whether clients prove who they are with a certificate of the clients CA. */
    public boolean mutualTls() {
        return DesiredUser.TLS.equals(authentication);
    }

    public String securityProtocol() {
        if (scram()) {
            return tls ? "SASL_SSL" : "SASL_PLAINTEXT";
        }
        return tls ? "SSL" : "PLAINTEXT";
    }
}
