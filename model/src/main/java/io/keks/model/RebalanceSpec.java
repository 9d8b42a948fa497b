package io.keks.model;

import java.util.Map;

/**
 * {@code spec.cruiseControl} of a Kafka: rebalancing is on. keks runs no Cruise Control; it plans and carries out
 * rebalances itself, with these settings.
 *
 * @param autoRebalance          for {@code add-brokers} and {@code remove-brokers}, the KafkaRebalance template
 *                               whose settings a rebalance on scaling uses ("" for the defaults); a mode missing
 *                               here is not rebalanced by itself
 * @param inboundBytesPerSecond  {@code brokerCapacity.inboundNetwork}; 0 when not given
 * @param outboundBytesPerSecond {@code brokerCapacity.outboundNetwork}; 0 when not given
 */
public record RebalanceSpec(Map<String, String> autoRebalance, long inboundBytesPerSecond, long outboundBytesPerSecond) {
}
