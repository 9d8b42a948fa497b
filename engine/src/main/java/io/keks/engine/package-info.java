/**
 * The engine, the same for every runtime: what keks remembers of a cluster ({@link io.keks.engine.ClusterMemory}),
 * what the Admin API says of a running one (observation, health), and the subpackages with the reconciliation
 * and its steps.
 */
package io.keks.engine;
