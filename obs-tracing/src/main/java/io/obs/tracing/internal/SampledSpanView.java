// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. An ended, record-only span that the tail sampler decided to
 * keep, presented to the export processor as sampled (the batch processor exports only sampled
 * spans). Local parents are flagged sampled too, since they are kept with it.
 */
final class SampledSpanView implements ReadableSpan {

  private final SpanData data;

  SampledSpanView(SpanData original) {
    SpanContext context = sampled(original.getSpanContext());
    SpanContext parent = original.getParentSpanContext();
    SpanContext exportedParent = parent.isValid() && !parent.isRemote() ? sampled(parent) : parent;
    this.data =
        new DelegatingSpanData(original) {
          @Override
          public SpanContext getSpanContext() {
            return context;
          }

          @Override
          public SpanContext getParentSpanContext() {
            return exportedParent;
          }
        };
  }

  private static SpanContext sampled(SpanContext context) {
    if (context.isSampled()) {
      return context;
    }
    return SpanContext.create(
        context.getTraceId(), context.getSpanId(), TraceFlags.getSampled(), context.getTraceState());
  }

  @Override
  public SpanContext getSpanContext() {
    return data.getSpanContext();
  }

  @Override
  public SpanContext getParentSpanContext() {
    return data.getParentSpanContext();
  }

  @Override
  public String getName() {
    return data.getName();
  }

  @Override
  public SpanData toSpanData() {
    return data;
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return data.getInstrumentationLibraryInfo();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return data.getInstrumentationScopeInfo();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return data.getEndEpochNanos() - data.getStartEpochNanos();
  }

  @Override
  public SpanKind getKind() {
    return data.getKind();
  }

  @Override
  public <T> @Nullable T getAttribute(AttributeKey<T> key) {
    return data.getAttributes().get(key);
  }

  @Override
  public Attributes getAttributes() {
    return data.getAttributes();
  }
}
