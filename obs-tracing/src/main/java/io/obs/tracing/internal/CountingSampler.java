// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Internal: not for use outside obs. Counts the head sampler's decisions for local roots (spans
 * with no parent or a remote one) as {@code obs.traces.sampled} and {@code obs.traces.dropped};
 * children of a local span follow their parent and are not decisions of their own.
 */
public final class CountingSampler implements Sampler {

  private final Sampler delegate;
  private final LongAdder sampled;
  private final LongAdder dropped;
  private final LongAdder parentDropped;

  public CountingSampler(Sampler delegate, String samplerName, String dropReason, SelfMetrics metrics) {
    this.delegate = delegate;
    this.sampled = metrics.sampledCounter(Attributes.of(SelfMetrics.SAMPLER, samplerName));
    this.dropped = metrics.droppedCounter(
        Attributes.of(SelfMetrics.SAMPLER, samplerName, SelfMetrics.REASON, dropReason));
    this.parentDropped = metrics.droppedCounter(
        Attributes.of(SelfMetrics.SAMPLER, samplerName, SelfMetrics.REASON, "parent_not_sampled"));
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    SamplingResult result =
        delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    if (!parent.isValid() || parent.isRemote()) {
      if (result.getDecision() == SamplingDecision.RECORD_AND_SAMPLE) {
        sampled.increment();
      } else if (parent.isValid() && !parent.isSampled()) {
        parentDropped.increment();
      } else {
        dropped.increment();
      }
    }
    return result;
  }

  @Override
  public String getDescription() {
    return delegate.getDescription();
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
