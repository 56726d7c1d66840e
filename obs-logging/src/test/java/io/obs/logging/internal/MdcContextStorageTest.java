// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.logging.LogFields;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class MdcContextStorageTest {

  private static final SpanContext OUTER =
      SpanContext.create(
          "11111111111111111111111111111111", "2222222222222222", TraceFlags.getSampled(),
          TraceState.getDefault());
  private static final SpanContext INNER =
      SpanContext.create(
          "11111111111111111111111111111111", "3333333333333333", TraceFlags.getDefault(),
          TraceState.getDefault());

  @AfterEach
  void clear() {
    LogFields.MDC_KEYS.forEach(MDC::remove);
  }

  @Test
  void wrapperIsActiveBecauseLogbackStartedBeforeTheContextWasUsed() {
    Context.current(); // forces the storage to initialise, if nothing has yet
    assertThat(MdcContextStorage.isActive()).isTrue();
  }

  @Test
  @SuppressWarnings("try") // scopes are only held open
  void nestedScopesSetAndRestoreTheKeys() {
    try (Scope outer = Context.root().with(Span.wrap(OUTER)).makeCurrent()) {
      assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo("2222222222222222");
      try (Scope inner = Context.current().with(Span.wrap(INNER)).makeCurrent()) {
        assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo("3333333333333333");
        assertThat(MDC.get(LogFields.TRACE_FLAGS)).isEqualTo("00");
        try (Scope none = Context.root().makeCurrent()) {
          assertThat(MDC.get(LogFields.TRACE_ID)).isNull();
        }
        assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo("3333333333333333");
      }
      assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo("2222222222222222");
      assertThat(MDC.get(LogFields.TRACE_FLAGS)).isEqualTo("01");
    }
    assertThat(MDC.get(LogFields.TRACE_ID)).isNull();
    assertThat(MDC.get(LogFields.SPAN_ID)).isNull();
  }

  @Test
  void refreshSetsAndClearsTheKeysForTheTurboFilterFallback() {
    MdcContextStorage.refresh(Context.root().with(Span.wrap(OUTER)));
    assertThat(MDC.get(LogFields.TRACE_ID)).isEqualTo(OUTER.getTraceId());
    assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo(OUTER.getSpanId());
    MdcContextStorage.refresh(Context.root());
    assertThat(MDC.get(LogFields.TRACE_ID)).isNull();
    assertThat(MDC.get(LogFields.TRACE_FLAGS)).isNull();
  }
}
