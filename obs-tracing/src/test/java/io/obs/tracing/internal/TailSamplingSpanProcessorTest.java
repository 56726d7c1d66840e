// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import static io.obs.tracing.TestObs.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.obs.tracing.TestObs;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tail processor on its own SDK with a manual clock, so bounds and timeouts are exact. */
class TailSamplingSpanProcessorTest {

  private final TestClock clock = TestClock.create();
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final SelfMetrics metrics = new SelfMetrics();
  private TailSamplingSpanProcessor tail;
  private SdkTracerProvider provider;
  private Tracer tracer;

  private void setUp(Sampler base, Duration threshold, int maxTraces, int maxSpans, Duration timeout) {
    metrics.bind(meterProvider.get("io.obs"));
    tail =
        new TailSamplingSpanProcessor(
            SimpleSpanProcessor.create(exporter),
            new TailSamplingSpanProcessor.Settings(threshold, maxTraces, maxSpans, timeout),
            metrics,
            clock,
            false);
    provider =
        SdkTracerProvider.builder()
            .setClock(clock)
            .setSampler(new TailHeadSampler(Sampler.parentBased(base)))
            .addSpanProcessor(tail)
            .build();
    tracer = provider.get("test");
  }

  private void setUp() {
    setUp(Sampler.alwaysOff(), Duration.ofSeconds(1), 100, 100, Duration.ofSeconds(30));
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.shutdown();
    }
    meterProvider.shutdown();
  }

  private long counter(String name, String reason) {
    return TestObs.counter(reader.collectAllMetrics(), name, attr("reason", reason));
  }

  /** A root with {@code children} children; the child at {@code errorAt} (or none) fails. */
  private Span trace(int children, int errorAt, Duration rootTakes, boolean endRoot) {
    Span root = tracer.spanBuilder("root").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      for (int i = 0; i < children; i++) {
        Span child = tracer.spanBuilder("child-" + i).startSpan();
        if (i == errorAt) {
          child.setStatus(StatusCode.ERROR, "boom");
        }
        child.end();
      }
    }
    clock.advance(rootTakes);
    if (endRoot) {
      root.end();
    }
    return root;
  }

  @Test
  void errorAnywhereKeepsTheWholeLocalTraceMarkedSampled() {
    setUp();
    trace(3, 1, Duration.ofMillis(5), true);
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("root", "child-0", "child-1", "child-2");
    assertThat(spans).allMatch(s -> s.getSpanContext().isSampled());
    assertThat(spans).allMatch(
        s -> s.getName().equals("root") || s.getParentSpanContext().isSampled());
    assertThat(counter("obs.traces.sampled", "error")).isEqualTo(1);
    assertThat(tail.bufferedTraces()).isZero();
  }

  @Test
  void slowRootKeepsTheTraceAndFastBoringOneIsDropped() {
    setUp();
    trace(2, -1, Duration.ofMillis(1500), true);
    assertThat(exporter.getFinishedSpanItems()).hasSize(3);
    exporter.reset();
    trace(2, -1, Duration.ofMillis(10), true);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(counter("obs.traces.sampled", "slow")).isEqualTo(1);
    assertThat(counter("obs.traces.dropped", "not_kept")).isEqualTo(1);
  }

  @Test
  void headSampledTracesPassStraightThroughWithoutBuffering() {
    setUp(Sampler.alwaysOn(), Duration.ofSeconds(1), 100, 100, Duration.ofSeconds(30));
    Span root = tracer.spanBuilder("root").startSpan();
    Span child = tracer.spanBuilder("child").setParent(Context.current().with(root)).startSpan();
    child.end();
    // Exported before the root ends: nothing waits for the tail decision.
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("child");
    assertThat(tail.bufferedTraces()).isZero();
    root.end();
    assertThat(counter("obs.traces.sampled", "base")).isEqualTo(1);
  }

  @Test
  void overflowEvictsTheOldestTraceAndDecidesItOnTheEvidenceSoFar() {
    setUp(Sampler.alwaysOff(), Duration.ofSeconds(1), 2, 100, Duration.ofSeconds(30));
    trace(1, 0, Duration.ZERO, false); // oldest: has an error, root still open
    trace(1, -1, Duration.ZERO, false); // boring, root still open
    assertThat(tail.bufferedTraces()).isEqualTo(2);
    trace(1, -1, Duration.ZERO, false); // evicts the first
    assertThat(tail.bufferedTraces()).isEqualTo(2);
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("child-0");
    assertThat(counter("obs.traces.sampled", "error")).isEqualTo(1);

    trace(1, -1, Duration.ZERO, false); // evicts the second: no error, young → dropped
    assertThat(counter("obs.traces.dropped", "overflow")).isEqualTo(1);
    assertThat(tail.bufferedTraces()).isEqualTo(2);
  }

  @Test
  void spansBeyondThePerTraceLimitAreDroppedAndCountedButStillCountAsEvidence() {
    setUp(Sampler.alwaysOff(), Duration.ofSeconds(1), 100, 3, Duration.ofSeconds(30));
    trace(6, 5, Duration.ZERO, true); // the error is on the 6th child, past the limit
    assertThat(exporter.getFinishedSpanItems()).hasSize(3);
    assertThat(counter("obs.traces.tail.spans.dropped", "span_limit")).isEqualTo(4);
    assertThat(counter("obs.traces.sampled", "error")).isEqualTo(1);
  }

  @Test
  void timeoutDecidesAnOpenTraceAndLateSpansFollowTheDecision() {
    // Threshold above the timeout, so a timed-out trace is not yet "slow".
    setUp(Sampler.alwaysOff(), Duration.ofSeconds(60), 100, 100, Duration.ofSeconds(5));
    Span root = trace(1, -1, Duration.ZERO, false);
    clock.advance(Duration.ofSeconds(6));
    tail.sweep();
    assertThat(tail.bufferedTraces()).isZero();
    assertThat(counter("obs.traces.dropped", "timeout")).isEqualTo(1);
    root.end();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(counter("obs.traces.tail.spans.dropped", "late")).isEqualTo(1);
  }

  @Test
  void timedOutTraceWithErrorIsKeptAndItsLateRootToo() {
    setUp(Sampler.alwaysOff(), Duration.ofSeconds(60), 100, 100, Duration.ofSeconds(5));
    Span root = trace(1, 0, Duration.ZERO, false);
    clock.advance(Duration.ofSeconds(6));
    tail.sweep();
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("child-0");
    root.end();
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactly("child-0", "root");
  }

  @Test
  void shutdownDecidesWhatIsStillBuffered() {
    setUp();
    trace(1, 0, Duration.ZERO, false);
    trace(1, -1, Duration.ZERO, false);
    provider.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
    // (The in-memory exporter forgets its spans when shut down; the counters remain.)
    assertThat(counter("obs.traces.sampled", "error")).isEqualTo(1);
    assertThat(counter("obs.traces.dropped", "shutdown")).isEqualTo(1);
    provider = null;
  }

  @Test
  void downstreamSeesTheBaseSamplersFlag() {
    setUp();
    Span root = tracer.spanBuilder("root").startSpan();
    assertThat(root.getSpanContext().isSampled()).isFalse();
    assertThat(root.isRecording()).isTrue();
    root.end();
  }
}
