/**
 * The cluster's CAs and certificates: what to make, renew or issue again
 * ({@link io.keks.engine.security.CertificatePlan}), carried out through a store port (files, Secrets).
 */
package io.keks.engine.security;
