// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.obs.RequestContext;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;

/**
 * Internal: not for use outside obs. Copies the allow-listed baggage entries and the request id of
 * the parent context onto every span as it starts, so each span of a request can be found by
 * tenant or request id without the code that starts it knowing about either.
 */
public final class ContextAttributesSpanProcessor implements SpanProcessor {

  private final List<String> baggageKeys;
  private final List<AttributeKey<String>> attributeKeys;
  private final boolean requestId;

  public ContextAttributesSpanProcessor(List<String> baggageKeys, boolean requestId) {
    this.baggageKeys = List.copyOf(baggageKeys);
    this.attributeKeys = this.baggageKeys.stream().map(AttributeKey::stringKey).toList();
    this.requestId = requestId;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!baggageKeys.isEmpty()) {
      Baggage baggage = Baggage.fromContext(parentContext);
      if (!baggage.isEmpty()) {
        for (int i = 0; i < baggageKeys.size(); i++) {
          String value = baggage.getEntryValue(baggageKeys.get(i));
          if (value != null) {
            span.setAttribute(attributeKeys.get(i), value);
          }
        }
      }
    }
    if (requestId) {
      // A server span has it from its builder already: setting it again would count as a
      // dropped attribute (otel.dropped_attributes_count in Zipkin) though nothing was lost.
      if (span.getAttribute(Semconv.HTTP_REQUEST_ID) == null) {
        RequestContext.requestId(parentContext)
            .ifPresent(id -> span.setAttribute(Semconv.HTTP_REQUEST_ID, id));
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
