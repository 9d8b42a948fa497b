package io.keks.engine.roll;

/** Why a node is restarted; shown in progress and in the status of a roll. */
public enum RestartReason {
    /** server.properties changed in an entry Kafka cannot change while the node runs. */
    CONFIG_CHANGE("its configuration changed in entries Kafka cannot change live"),
    /** spec.kafka.version asks for another Kafka version than the node runs. */
    VERSION_CHANGE("spec.kafka.version asks for another Kafka version"),
    /** A user asked for it (`keks roll`, or the strimzi.io/manual-rolling-update annotation). */
    MANUAL("a restart was asked for"),
    /** The node's certificates are renewed. */
    CERTIFICATE_RENEWAL("its certificates are renewed");

    private final String description;

    RestartReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
