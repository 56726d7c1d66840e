// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.propagation;

import io.obs.tracing.internal.SafePropagator;
import io.obs.tracing.internal.SelfMetrics;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;

/**
 * Builds the propagator for {@code traces.propagators}: {@code tracecontext}, {@code baggage},
 * {@code b3} (single header), {@code b3multi}, {@code jaeger}, or {@code none}.
 *
 * <p>The result never throws and never trusts its input: a header longer than {@value
 * SafePropagator#MAX_HEADER_CHARS} characters is ignored, a trace header sent twice with different
 * values is ignored, and when two formats carry different trace contexts (say {@code traceparent}
 * and {@code b3} disagree) neither is used; in each case the server starts a new root trace.
 * Baggage extraction follows the W3C limits (64 entries, 8192 bytes).
 *
 * @since 0.1.0
 */
public final class ObsPropagators {

  /** The names accepted in {@code traces.propagators}. */
  public static final List<String> NAMES =
      List.of("tracecontext", "baggage", "b3", "b3multi", "jaeger", "none");

  private ObsPropagators() {}

  /** The tolerant propagator for the given names, in order. */
  public static TextMapPropagator create(List<String> names) {
    return SafePropagator.of(names, new SelfMetrics());
  }
}
