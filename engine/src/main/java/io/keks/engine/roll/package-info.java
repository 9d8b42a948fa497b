/**
 * Restarting, draining and replacing nodes safely: the order of a roll, the quorum and partition gates each
 * restart waits for, broker drains, and the {@link io.keks.engine.roll.NodeRuntime} port that starts and stops nodes.
 */
package io.keks.engine.roll;
