// SPDX-License-Identifier: Apache-2.0
/**
 * obs metrics: Micrometer for application code, a cardinality-safe business-metrics API ({@link
 * io.obs.metrics.ObsMetrics}) and one Prometheus {@code /metrics} endpoint that also shows every
 * OpenTelemetry API instrument.
 */
@NullMarked
package io.obs.metrics;

import org.jspecify.annotations.NullMarked;
