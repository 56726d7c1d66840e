// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * While the backend does not answer, spans with large attributes wait in the queue: the byte
 * budget, not the count, has to stop them, and it is given back when the exports finish.
 */
class SpanQueueBudgetTest {

  /** An exporter whose exports finish only when the test says so, like a stalled backend. */
  private static final class StalledExporter implements SpanExporter {
    final List<CompletableResultCode> pending = new CopyOnWriteArrayList<>();
    final List<SpanData> received = new CopyOnWriteArrayList<>();
    volatile boolean answering;

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      received.addAll(spans);
      if (answering) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode result = new CompletableResultCode();
      pending.add(result);
      return result;
    }

    /** The backend comes back: what waits completes, and later exports complete at once. */
    void finishAll() {
      answering = true;
      pending.forEach(CompletableResultCode::succeed);
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Test
  void largeSpansAreDroppedAndCountedAtTheByteBudgetWhileTheBackendStalls() throws Exception {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    SelfTelemetry telemetry = new SelfTelemetry(() -> meterProvider);
    StalledExporter exporter = new StalledExporter();
    long budgetBytes = 2L * 1024 * 1024;
    SpanQueueBudget budget = new SpanQueueBudget(budgetBytes, 2048, "stalled", telemetry);
    BatchSpanProcessor batch = BatchSpanProcessor.builder(budget.releasing(exporter))
        .setMaxQueueSize(2048).setScheduleDelay(Duration.ofMillis(10)).build();
    SdkTracerProvider tracers = SdkTracerProvider.builder()
        .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(1_000_000).build())
        .addSpanProcessor(budget.admitting(batch)).build();
    String header = "x".repeat(300_000); // 600 KB as Java chars

    for (int i = 0; i < 100; i++) {
      tracers.get("test").spanBuilder("request").setAttribute("user_agent.original", header)
          .startSpan().end();
    }

    assertThat(budget.waitingBytes()).isLessThanOrEqualTo(budgetBytes);
    assertThat(budget.waitingBytes()).isGreaterThan(budgetBytes / 2);
    long dropped = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("obs.exporter.items"))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> "dropped".equals(p.getAttributes().get(SelfTelemetry.OUTCOME)))
        .mapToLong(p -> p.getValue()).sum();
    assertThat(dropped).isGreaterThanOrEqualTo(96).isLessThan(100);

    // The backend answers: the budget is given back and spans flow again. (The batch processor
    // waits for one export before the next, so the rest are still in its queue until then.)
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (exporter.pending.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    exporter.finishAll();
    tracers.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(exporter.received).hasSize((int) (100 - dropped));
    assertThat(budget.waitingBytes()).isZero();
    tracers.get("test").spanBuilder("after").setAttribute("user_agent.original", header)
        .startSpan().end();
    // Waited for rather than flushed: on a loaded machine a flush can return before the batch
    // processor's worker has picked the span up.
    long afterDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (exporter.received.stream().noneMatch(span -> span.getName().equals("after"))
        && System.nanoTime() < afterDeadline) {
      tracers.forceFlush().join(1, java.util.concurrent.TimeUnit.SECONDS);
      Thread.sleep(10);
    }
    assertThat(exporter.received).anyMatch(span -> span.getName().equals("after"));
    assertThat(budget.waitingBytes()).isZero();
    tracers.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
    meterProvider.close();
  }

  @Test
  void theEstimateFollowsTheStrings() {
    SdkTracerProvider tracers = SdkTracerProvider.builder().build();
    StalledExporter exporter = new StalledExporter();
    exporter.answering = true;
    SdkTracerProvider recording = SdkTracerProvider.builder()
        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(exporter))
        .build();
    recording.get("t").spanBuilder("small").startSpan().end();
    recording.get("t").spanBuilder("big").setAttribute("a", "y".repeat(10_000)).startSpan().end();

    long small = SpanQueueBudget.estimate(exporter.received.get(0));
    long big = SpanQueueBudget.estimate(exporter.received.get(1));
    assertThat(big - small).isBetween(20_000L, 20_100L);
    tracers.close();
    recording.close();
  }
}
