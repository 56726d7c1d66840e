// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import io.obs.ebpf.internal.ContextPublisher;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one {@code makeCurrent()}/{@code close()} pair with the kernel publishing off (plain
 * OpenTelemetry storage), wrapped but not enabled, and on (two seqlock record writes per pair).
 * Each mode runs in its own fork, since the storage wrapper is JVM-wide. "on" needs BPF rights.
 */
// opentelemetry-sdk-testing (on the test class path) would otherwise put its settable storage
// under every wrapper; applications get OpenTelemetry's default thread-local storage.
@Fork(jvmArgsAppend = "-Dio.opentelemetry.context.contextStorageProvider=default")
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextPublishingBenchmark {

  @Param({"off", "wrapped", "on"})
  public String publishing;

  private Context sampled;
  private Context nested;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (!publishing.equals("off")) {
      ContextPublisher.install();
      if (!ContextPublisher.isWrapped()) {
        throw new IllegalStateException("context storage was used before the wrapper");
      }
    }
    if (publishing.equals("on")) {
      ContextPublisher.enable();
    }
    sampled =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        "0af7651916cd43dd8448eb211c80319c",
                        "b7ad6b7169203331",
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
    nested =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        "0af7651916cd43dd8448eb211c80319c",
                        "00f067aa0ba902b7",
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
    for (int i = 0; i < distinct.length; i++) {
      distinct[i] =
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.create(
                          String.format("%032x", 0x5eed0000L + i),
                          String.format("%016x", 0xabc0000L + i),
                          TraceFlags.getSampled(),
                          TraceState.getDefault())));
    }
  }

  private final Context[] distinct = new Context[1024];
  private int next;

  /** A request span made current on a thread with no span, then closed. */
  @Benchmark
  public Scope makeCurrentAndClose() {
    Scope s = sampled.makeCurrent();
    s.close();
    return s;
  }

  /**
   * Like {@link #makeCurrentAndClose()}, but a different span each time (1024 in turn), as with
   * one span per request: every attach writes new ids into the record.
   */
  @Benchmark
  public Scope makeCurrentAndCloseDistinctSpans() {
    Context c = distinct[next++ & (distinct.length - 1)];
    Scope s = c.makeCurrent();
    s.close();
    return s;
  }

  /** A child span made current under its parent and closed (restores the parent). */
  @Benchmark
  public Scope nestedMakeCurrentAndClose() {
    try (Scope outer = sampled.makeCurrent()) {
      Scope inner = nested.makeCurrent();
      inner.close();
      return inner;
    }
  }
}
