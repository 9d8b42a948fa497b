package io.keks.model;

import java.util.List;

/**
 * {@code spec.kafka.authorization} of type simple: Kafka's StandardAuthorizer, with these principals
 * allowed everything. Each super user is written as Strimzi writes it: a name ({@code admin}) or a
 * certificate subject ({@code CN=admin}), and becomes {@code User:<that>}.
 */
public record AuthorizationSpec(List<String> superUsers) {
    public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
}
