/**
 * The keks operator on the Java Operator SDK: the engine's reconciliation over Kubernetes objects
 * ({@link io.keks.operator.KubernetesCluster}), pods as the engine's nodes, and the controllers of Kafka,
 * KafkaTopic and KafkaUser.
 */
package io.keks.operator;
