/**
 * The {@code keks} command (picocli): each command parses its options, runs the engine's reconciliation
 * over a local cluster or asks it something, and prints; none decides the order of a change or its rules.
 */
package io.keks.cli;
