// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.jmh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.Observability;
import io.obs.metrics.MetricFamily;
import io.obs.metrics.ObsMetrics;
import io.obs.metrics.internal.MetricsModule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Counter increment and histogram record through obs (registry with exemplars and common labels,
 * {@link MetricFamily} lookup) versus plain Micrometer on a default {@code
 * PrometheusMeterRegistry}. Read as ratios: obs* / baseline* of the same shape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBenchmark {

  private Observability obs;
  private PrometheusMeterRegistry plain;
  private MetricFamily<Counter> orders;
  private MetricFamily<Timer> steps;
  private Counter obsCounter;
  private Timer obsTimer;
  private Counter plainCounter;
  private Timer plainTimer;
  private Duration[] buckets;

  /** Exemplars cost a current-span lookup per recording; plain Micrometer has none. */
  @Param({"true", "false"})
  public boolean exemplars;

  @Setup(Level.Trial)
  public void setUp() {
    obs =
        Observability.builder()
            .setModules(List.of(new MetricsModule()))
            .setEnvironment(Map.of())
            .setSystemProperties(Map.of())
            .setRegisterGlobal(false)
            .set("server.enabled", "false")
            .set("shutdown.hook", "false")
            .set("service.name", "bench")
            .set("metrics.exemplars.enabled", Boolean.toString(exemplars))
            .set("metrics.jvm.memory", "false")
            .set("metrics.jvm.gc", "false")
            .set("metrics.jvm.threads", "false")
            .set("metrics.jvm.classes", "false")
            .set("metrics.jvm.cpu", "false")
            .set("metrics.jvm.files", "false")
            .set("metrics.jvm.uptime", "false")
            .build();
    ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();
    orders = metrics.counter("orders.placed", "channel", "region");
    steps = metrics.timer("checkout.step", "step");
    obsCounter = orders.labels("web", "eu");
    obsTimer = steps.labels("payment");

    plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    buckets =
        MetricsKeysBuckets.seconds().stream()
            .map(s -> Duration.ofNanos(Math.round(s * 1e9)))
            .toArray(Duration[]::new);
    plainCounter = plain.counter("orders.placed", "channel", "web", "region", "eu");
    plainTimer =
        Timer.builder("checkout.step")
            .tag("step", "payment")
            .serviceLevelObjectives(buckets)
            .register(plain);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    obs.close();
    plain.close();
  }

  @Benchmark
  public void baselineCounterCached() {
    plainCounter.increment();
  }

  @Benchmark
  public void obsCounterCached() {
    obsCounter.increment();
  }

  @Benchmark
  public void baselineCounterLookup() {
    plain.counter("orders.placed", "channel", "web", "region", "eu").increment();
  }

  @Benchmark
  public void obsCounterLookup() {
    orders.labels("web", "eu").increment();
  }

  @Benchmark
  public void baselineTimerCached() {
    plainTimer.record(3_000_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void obsTimerCached() {
    obsTimer.record(3_000_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void baselineTimerLookup() {
    Timer.builder("checkout.step")
        .tag("step", "payment")
        .serviceLevelObjectives(buckets)
        .register(plain)
        .record(3_000_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void obsTimerLookup() {
    steps.labels("payment").record(3_000_000, TimeUnit.NANOSECONDS);
  }

  /** The default latency buckets as numbers. */
  static final class MetricsKeysBuckets {
    static List<Double> seconds() {
      return io.obs.metrics.MetricsKeys.DEFAULT_LATENCY_BUCKETS.stream()
          .map(Double::parseDouble)
          .toList();
    }
  }
}
