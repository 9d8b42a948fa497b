/**
 * KafkaTopics: batched reconciliation of any number of topics, replication factor changes by reassignment,
 * and the statuses KafkaTopic users read.
 */
package io.keks.engine.topic;
