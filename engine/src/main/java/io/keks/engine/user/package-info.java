/**
 * KafkaUsers: their credentials settled ({@link io.keks.engine.user.UserCredentials}), then SCRAM credentials,
 * ACLs and quotas made in Kafka ({@link io.keks.engine.user.UserReconciler}), and their statuses.
 */
package io.keks.engine.user;
