// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.propagation;

import io.obs.tracing.internal.SafePropagator;
import io.obs.tracing.internal.SelfMetrics;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
    return create(names, new SelfMetrics());
  }

  /** Internal: not for use outside obs. As {@link #create(List)}, counting rejections. */
  // JaegerPropagator is deprecated upstream (Jaeger itself moved to W3C), but services still
  // send uber-trace-id, and OTEL_PROPAGATORS=jaeger is a standard value.
  @SuppressWarnings("deprecation")
  public static TextMapPropagator create(List<String> names, SelfMetrics metrics) {
    Objects.requireNonNull(names, "names");
    List<SafePropagator.Named> propagators = new ArrayList<>();
    for (String raw : new LinkedHashSet<>(names)) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "tracecontext" ->
            propagators.add(new SafePropagator.Named(name, W3CTraceContextPropagator.getInstance()));
        case "baggage" ->
            propagators.add(new SafePropagator.Named(name, W3CBaggagePropagator.getInstance()));
        case "b3" ->
            propagators.add(new SafePropagator.Named(name, B3Propagator.injectingSingleHeader()));
        case "b3multi" ->
            propagators.add(new SafePropagator.Named(name, B3Propagator.injectingMultiHeaders()));
        case "jaeger" -> propagators.add(new SafePropagator.Named(name, JaegerPropagator.getInstance()));
        case "none" -> {}
        default ->
            throw new IllegalArgumentException(
                "unknown propagator '" + raw + "'; expected one of " + NAMES);
      }
    }
    return new SafePropagator(propagators, metrics);
  }
}
