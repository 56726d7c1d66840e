// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import io.obs.Observability;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Starts obs for one test with in-memory span and metric sinks. */
public final class TestObs implements AutoCloseable {

  public final Observability obs;
  public final InMemorySpanExporter spans = InMemorySpanExporter.create();
  public final InMemoryMetricReader metrics = InMemoryMetricReader.create();

  private TestObs(String yaml, Map<String, String> env, Map<String, String> overrides) {
    Observability.Builder builder =
        Observability.builder()
            .setConfigYaml(
                "fail_fast: true\nservice:\n  name: tracing-test\nserver:\n  enabled: false\nmetrics:\n  exporter: none\n"
                    + "traces:\n  batch:\n    schedule_delay: 20ms\n"
                    + yaml)
            .setEnvironment(env)
            .setSystemProperties(Map.of())
            .addSpanExporter(spans)
            .addMetricReader(metrics)
            .setRegisterGlobal(false);
    overrides.forEach(builder::set);
    this.obs = builder.build();
  }

  /** Starts obs with the given keys set (dotted paths, highest precedence). */
  public static TestObs start(Map<String, String> overrides) {
    return new TestObs("", Map.of(), overrides);
  }

  public static TestObs start(Map<String, String> overrides, Map<String, String> env) {
    return new TestObs("", env, overrides);
  }

  /** Flushes the batch processor and returns every span exported so far. */
  public List<SpanData> flushedSpans() {
    io.opentelemetry.sdk.OpenTelemetrySdk sdk =
        (io.opentelemetry.sdk.OpenTelemetrySdk) obs.openTelemetry();
    sdk.getSdkTracerProvider().forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    return spans.getFinishedSpanItems();
  }

  /** Waits (bounded) until the exporter holds at least {@code count} spans. */
  public List<SpanData> awaitSpans(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<SpanData> items = flushedSpans();
    while (items.size() < count && System.nanoTime() < deadline) {
      sleep(10);
      items = flushedSpans();
    }
    return items;
  }

  /** Sum of a long counter's points whose attributes match. */
  public long counter(String name, Predicate<Attributes> filter) {
    return counter(metrics.collectAllMetrics(), name, filter);
  }

  public static long counter(
      Collection<MetricData> data, String name, Predicate<Attributes> filter) {
    long sum = 0;
    for (MetricData metric : data) {
      if (!metric.getName().equals(name)) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        if (filter.test(point.getAttributes())) {
          sum += point.getValue();
        }
      }
    }
    return sum;
  }

  public static Predicate<Attributes> attr(String key, String value) {
    return a -> value.equals(a.get(AttributeKey.stringKey(key)));
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    obs.close();
    Observability.shutdown();
  }
}
