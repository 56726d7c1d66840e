// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Tells the Prometheus client which span is current, so Micrometer meters get exemplars
 * carrying the trace of the request that recorded them. Only sampled spans qualify: an exemplar
 * pointing at a trace that was never exported would be a dead link in Grafana.
 */
public final class OtelSpanContext implements io.prometheus.metrics.tracer.common.SpanContext {

  private static final AttributeKey<String> EXEMPLAR =
      AttributeKey.stringKey(EXEMPLAR_ATTRIBUTE_NAME);

  @Override
  public @Nullable String getCurrentTraceId() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? context.getTraceId() : null;
  }

  @Override
  public @Nullable String getCurrentSpanId() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? context.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() && context.isSampled();
  }

  @Override
  public void markCurrentSpanAsExemplar() {
    // Tail samplers can keep traces that metrics link to (the Prometheus client convention).
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(EXEMPLAR, EXEMPLAR_ATTRIBUTE_VALUE);
    }
  }
}
