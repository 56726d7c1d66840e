// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TraceSummaryExporterTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final TraceSummaryExporter exporter = new TraceSummaryExporter(lines::add);
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final Tracer tracer = provider.get("test");

  @Test
  void oneLinePerLocalTraceWhenItsRootEnds() {
    Span root = tracer.spanBuilder("GET /orders/{id}").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("check stock").startSpan().end();
      Span failing = tracer.spanBuilder("reserve").startSpan();
      failing.setStatus(StatusCode.ERROR, "out of stock");
      failing.end();
      assertThat(lines).isEmpty();
    } finally {
      root.end();
    }

    assertThat(lines).singleElement().satisfies(line -> assertThat(line)
        .startsWith("trace " + root.getSpanContext().getTraceId() + " GET /orders/{id} ")
        .contains(", 3 spans, ")
        .endsWith(", ERROR in 'reserve': out of stock"));
  }

  @Test
  void aServerSpanUnderARemoteParentIsALocalRoot() {
    SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

    tracer.spanBuilder("GET /stock/{sku}")
        .setParent(Context.root().with(Span.wrap(remote))).startSpan().end();

    assertThat(lines).singleElement().satisfies(line -> assertThat(line)
        .contains("0af7651916cd43dd8448eb211c80319c GET /stock/{sku}")
        .contains(", 1 span, ")
        .contains("parent b7ad6b7169203331")
        .endsWith(", OK"));
  }

  @Test
  void tracesWhoseRootNeverEndsArePrintedAsPartialAtShutdown() {
    Span root = tracer.spanBuilder("never ends").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("child").startSpan().end();
    }

    provider.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(lines).singleElement().satisfies(line -> assertThat(line)
        .contains(" child ").endsWith("(partial: its local root had not ended)"));
  }

  @Test
  void pendingTracesAreBounded() {
    for (int i = 0; i < TraceSummaryExporter.MAX_PENDING_TRACES + 10; i++) {
      Span root = tracer.spanBuilder("root").startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracer.spanBuilder("orphan").startSpan().end();
      }
    }

    assertThat(lines).hasSize(10).allSatisfy(line -> assertThat(line).contains("partial"));
  }
}
