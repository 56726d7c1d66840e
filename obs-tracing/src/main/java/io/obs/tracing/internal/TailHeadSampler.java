// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Internal: not for use outside obs. The head sampler used with tail sampling: the base sampler's
 * "sample" stands (and is what downstream services see in the sampled flag), while its "drop"
 * becomes "record only", so the span is still recorded and reaches the tail processor, which may
 * keep it after all if the local trace turns out to have an error or a slow root.
 */
public final class TailHeadSampler implements Sampler {

  private final Sampler base;

  public TailHeadSampler(Sampler base) {
    this.base = base;
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
        base.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    if (result.getDecision() != SamplingDecision.DROP) {
      return result;
    }
    return new SamplingResult() {
      @Override
      public SamplingDecision getDecision() {
        return SamplingDecision.RECORD_ONLY;
      }

      @Override
      public Attributes getAttributes() {
        return result.getAttributes();
      }

      @Override
      public TraceState getUpdatedTraceState(TraceState parentTraceState) {
        return result.getUpdatedTraceState(parentTraceState);
      }
    };
  }

  @Override
  public String getDescription() {
    return "TailHeadSampler{" + base.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
