/**
 * Metrics keks serves itself: consumer lag under kafka_exporter's names, and the Prometheus text format.
 */
package io.keks.engine.metrics;
