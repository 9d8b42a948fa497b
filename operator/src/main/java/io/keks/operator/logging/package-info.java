/**
 * The operator's logs as one JSON object per line.
 */
package io.keks.operator.logging;
