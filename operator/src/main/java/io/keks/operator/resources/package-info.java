/**
 * The Kubernetes objects of a cluster, rendered from the model by pure code: what {@code keks render} prints
 * and the operator applies.
 */
package io.keks.operator.resources;
