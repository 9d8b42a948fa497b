/**
 * Rebalancing without Cruise Control: the load of a cluster as the Admin API shows it, the goals a
 * KafkaRebalance names, a pure planner that proposes partition moves, and the lifecycle of a proposal.
 */
package io.keks.engine.rebalance;
