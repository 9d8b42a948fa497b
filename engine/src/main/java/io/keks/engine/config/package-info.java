/**
 * Live configuration: which of spec.kafka.config Kafka changes without a restart, as the running version
 * says, and its change through incrementalAlterConfigs.
 */
package io.keks.engine.config;
