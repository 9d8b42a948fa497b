package io.keks.engine.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.keks.model.DesiredUser;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** How a KafkaUser's rules and quotas turn into Kafka's ACL bindings and quota keys (the Admin side runs in SecureClusterTest). */
class UserReconcilerTest {
    @Test
    void everyStrimziOperationNameIsAKafkaOperation() {
        for (var op : io.strimzi.api.kafka.model.user.acl.AclOperation.values()) {
            assertThat(UserReconciler.operation(op.toValue())).as(op.toValue()).isNotNull();
        }
        assertThat(UserReconciler.operation("IdempotentWrite")).isEqualTo(AclOperation.IDEMPOTENT_WRITE);
        assertThat(UserReconciler.operation("DescribeConfigs")).isEqualTo(AclOperation.DESCRIBE_CONFIGS);
        assertThat(UserReconciler.operation("ClusterAction")).isEqualTo(AclOperation.CLUSTER_ACTION);
    }

    @Test
    void eachOperationOfARuleIsOneBindingOfTheUsersPrincipal() {
        DesiredUser u = new DesiredUser("app", DesiredUser.SCRAM, null, List.of(
                new DesiredUser.Acl("group", "app-", "prefix", "deny", "10.0.0.1", List.of("Read", "Describe")),
                new DesiredUser.Acl("cluster", "kafka-cluster", "literal", "allow", "*", List.of("IdempotentWrite"))), null);
        var bindings = UserReconciler.bindings(u);
        assertThat(bindings).hasSize(3);
        assertThat(bindings.get(0).pattern().resourceType()).isEqualTo(ResourceType.GROUP);
        assertThat(bindings.get(0).pattern().patternType()).isEqualTo(PatternType.PREFIXED);
        assertThat(bindings.get(0).entry().principal()).isEqualTo("User:app");
        assertThat(bindings.get(0).entry().host()).isEqualTo("10.0.0.1");
        assertThat(bindings.get(0).entry().permissionType()).isEqualTo(AclPermissionType.DENY);
        assertThat(bindings.get(2).pattern().resourceType()).isEqualTo(ResourceType.CLUSTER);
    }

    @Test
    void quotasUseKafkasKeysAndLeaveUnsetOnesOut() {
        assertThat(UserReconciler.quotaValues(new DesiredUser.Quotas(1024, null, 50, 0.5)))
                .containsOnlyKeys("producer_byte_rate", "request_percentage", "controller_mutation_rate")
                .containsEntry("producer_byte_rate", 1024.0);
        assertThat(UserReconciler.quotaValues(null)).isEmpty();
    }
}
