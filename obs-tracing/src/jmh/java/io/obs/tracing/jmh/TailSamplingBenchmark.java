// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import io.obs.Observability;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost per span of a four-span local trace (root and three children): {@code always_on} keeps
 * everything through the batch processor ({@code baseline}); {@code tail} with base {@code
 * always_off} records every span, holds the trace until the root ends, and drops it. Memory per
 * held trace is printed by {@link TailMemory}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TailSamplingBenchmark {

  @Param({"always_on", "tail"})
  public String sampler;

  private Observability obs;
  private Tracer tracer;

  @Setup(Level.Trial)
  public void setUp() {
    obs = ObsBench.start(Map.of("traces.sampler.type", sampler));
    tracer = obs.tracer("bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    obs.close();
  }

  @Benchmark
  @OperationsPerInvocation(4)
  public Span localTrace() {
    Span root = tracer.spanBuilder("root").startSpan();
    Context parent = Context.root().with(root);
    for (int i = 0; i < 3; i++) {
      tracer.spanBuilder("child").setParent(parent).startSpan().end();
    }
    root.end();
    return root;
  }
}
