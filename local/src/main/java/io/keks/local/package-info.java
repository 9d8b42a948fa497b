/**
 * Kafka nodes as processes on this machine: the cluster's home and state, the engine's runtime over it
 * ({@link io.keks.local.LocalClusterRuntime}), storage, certificates and credentials in files, the supervisor
 * that keeps the nodes running and makes changes of nodes.
 */
package io.keks.local;
