package io.keks.model;

import java.util.List;

/**
 * A KafkaUser: how it authenticates, what its ACLs allow or deny, and its quotas.
 *
 * @param authentication {@value #SCRAM}, {@value #TLS} (a certificate of the clients CA), or null (a user with
 *                       ACLs or quotas only, authenticated elsewhere)
 * @param givenPassword  the password {@code spec.authentication.password} names; null to have one generated
 * @param acls           its ACL rules; empty when the KafkaUser has no {@code spec.authorization}
 * @param quotas         null when the KafkaUser sets none
 */
public record DesiredUser(String name, String authentication, SecretValue givenPassword, List<Acl> acls, Quotas quotas) {
    public static final String SCRAM = "scram-sha-512";
    public static final String TLS = "tls";

    /**
     * The name Kafka knows this user by: its name for SCRAM, {@code CN=<name>} (its certificate's
     * subject) for TLS, as Strimzi names them. ACLs and quotas are bound to it.
     */
    public String username() {
        return TLS.equals(authentication) ? "CN=" + name : name;
    }

    /** The principal Kafka sees for this user. */
    public String principal() {
        return "User:" + username();
    }

    /**
     * One ACL rule. {@code resourceType} is topic, group, cluster or transactionalId (Strimzi's names);
     * {@code patternType} literal or prefix; {@code type} allow or deny; operations in Kafka's names
     * (Read, Write, Describe, ...).
     */
    public record Acl(String resourceType, String resourceName, String patternType, String type, String host,
                      List<String> operations) {
    }

    /** The quotas Strimzi's KafkaUser sets; a null field is not set. */
    public record Quotas(Integer producerByteRate, Integer consumerByteRate, Integer requestPercentage,
                         Double controllerMutationRate) {
    }
}
