/**
 * The desired cluster, pure: what the manifests ask for ({@link io.keks.model.DesiredCluster}), each node's
 * server.properties, and the rules that need no I/O.
 */
package io.keks.model;
