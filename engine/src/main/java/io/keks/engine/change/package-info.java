/**
 * The change of a running cluster: what exists ({@link io.keks.engine.change.ClusterImage}), its difference from
 * the desired cluster ({@link io.keks.engine.change.ClusterDelta}), the changes refused as unsafe
 * ({@link io.keks.engine.change.ChangeGate}), and the delta carried out ({@link io.keks.engine.change.ClusterChanger}).
 */
package io.keks.engine.change;
