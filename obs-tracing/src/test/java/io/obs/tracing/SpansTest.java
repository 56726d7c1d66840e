// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.Observability;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpansTest {

  @AfterEach
  void shutdown() {
    Observability.shutdown();
  }

  @Test
  void callReturnsTheValueInsideACurrentSpanThatEnds() {
    try (TestObs t = TestObs.start(Map.of())) {
      String traceId = Spans.call("outer", () -> {
        Spans.run("inner", () -> assertThat(Span.current().getSpanContext().isValid()).isTrue());
        return Span.current().getSpanContext().getTraceId();
      });
      List<SpanData> spans = t.awaitSpans(2);
      SpanData outer = spans.stream().filter(s -> s.getName().equals("outer")).findFirst().orElseThrow();
      SpanData inner = spans.stream().filter(s -> s.getName().equals("inner")).findFirst().orElseThrow();
      assertThat(outer.getTraceId()).isEqualTo(traceId);
      assertThat(inner.getParentSpanId()).isEqualTo(outer.getSpanId());
      assertThat(outer.hasEnded()).isTrue();
      assertThat(outer.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
  }

  @Test
  void checkedAndUncheckedExceptionsAreRecordedRethrownAndTheSpanEnds() {
    try (TestObs t = TestObs.start(Map.of())) {
      assertThatThrownBy(() -> Spans.run("charge-card", () -> {
        throw new IOException("gateway timeout");
      })).isInstanceOf(IOException.class).hasMessage("gateway timeout");
      assertThatThrownBy(() -> Spans.call("parse", () -> Integer.parseInt("x")))
          .isInstanceOf(NumberFormatException.class);

      List<SpanData> spans = t.awaitSpans(2);
      assertThat(spans).hasSize(2).allSatisfy(s -> {
        assertThat(s.hasEnded()).isTrue();
        assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(s.getEvents()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("exception"));
      });
      assertThat(spans.stream().filter(s -> s.getName().equals("charge-card")).findFirst().orElseThrow()
          .getStatus().getDescription()).isEqualTo("IOException");
    }
  }

  @Test
  void withoutObsTheWorkStillRuns() {
    assertThat(Spans.call("no-obs", () -> 42)).isEqualTo(42);
  }
}
