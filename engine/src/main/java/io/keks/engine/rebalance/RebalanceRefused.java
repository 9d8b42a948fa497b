package io.keks.engine.rebalance;

/** A rebalance that cannot be proposed as asked: its reason is what the KafkaRebalance's NotReady condition says. */
public final class RebalanceRefused extends Exception {
    public RebalanceRefused(String reason) {
        super(reason);
    }
}
