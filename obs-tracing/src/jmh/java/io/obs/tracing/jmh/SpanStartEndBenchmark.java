// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import io.obs.Observability;
import io.obs.tracing.Spans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One span started, made current and ended: the raw OpenTelemetry SDK (same sampler, a batch
 * processor in front of a no-op exporter) versus obs's tracer and {@link Spans#run} (which add the
 * counting sampler, the baggage/request-id span processor and the tolerant propagator).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpanStartEndBenchmark {

  private SdkTracerProvider raw;
  private Tracer rawTracer;
  private Observability obs;
  private Tracer obsTracer;
  private Spans spans;

  @Setup(Level.Trial)
  public void setUp() {
    raw = SdkTracerProvider.builder()
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .addSpanProcessor(BatchSpanProcessor.builder(new NoopExporter()).build())
        .build();
    rawTracer = raw.get("bench");
    obs = ObsBench.start(Map.of("traces.baggage.attributes", "tenant-id"));
    obsTracer = obs.tracer("bench");
    spans = Spans.using(obsTracer);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    raw.close();
    obs.close();
  }

  @Benchmark
  public Span baseline() {
    Span span = rawTracer.spanBuilder("op").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return span;
    } finally {
      span.end();
    }
  }

  @Benchmark
  public Span obsTracer() {
    Span span = obsTracer.spanBuilder("op").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return span;
    } finally {
      span.end();
    }
  }

  @Benchmark
  public Span obsSpansRun() {
    return spans.inSpan("op", Span::current);
  }
}
