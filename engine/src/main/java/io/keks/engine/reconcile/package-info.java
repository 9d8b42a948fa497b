/**
 * The reconciliation of a Kafka cluster, written once: {@link io.keks.engine.reconcile.Reconciliation} holds its
 * steps in order and the rules between them; a runtime supplies facts and effects through
 * {@link io.keks.engine.reconcile.ClusterRuntime}.
 */
package io.keks.engine.reconcile;
