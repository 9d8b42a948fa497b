package io.keks.model;

/** A KRaft process role, as in Kafka's process.roles. */
public enum Role {
    CONTROLLER, BROKER;

    public String kafkaName() {
        return name().toLowerCase();
    }
}
