// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.jmh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.Observability;
import io.obs.metrics.MetricFamily;
import io.obs.metrics.ObsMetrics;
import io.obs.metrics.internal.MetricsModule;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scrape of 10,000 counter series (100 metrics x 100 label values): obs's endpoint path (the
 * shared registry with the OpenTelemetry collector, rendered by the exposition writer /metrics
 * uses) versus Micrometer's own {@code PrometheusMeterRegistry.scrape()} on the same series. Run
 * with {@code -prof gc} for allocation per scrape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBenchmark {

  private static final int METRICS = 100;
  private static final int VALUES = 100;

  private Observability obs;
  private PrometheusMeterRegistry obsRegistry;
  private PrometheusMeterRegistry plain;
  private ExpositionFormatWriter textWriter;
  private ExpositionFormatWriter openMetricsWriter;

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
            .set("metrics.cardinality.limit", String.valueOf(VALUES))
            .set("metrics.jvm.memory", "false")
            .set("metrics.jvm.gc", "false")
            .set("metrics.jvm.threads", "false")
            .set("metrics.jvm.classes", "false")
            .set("metrics.jvm.cpu", "false")
            .set("metrics.jvm.files", "false")
            .set("metrics.jvm.uptime", "false")
            .build();
    ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();
    obsRegistry = obs.component(PrometheusMeterRegistry.class).orElseThrow();
    plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int m = 0; m < METRICS; m++) {
      MetricFamily<Counter> family = metrics.counter("bench.metric" + m, "key");
      for (int v = 0; v < VALUES; v++) {
        family.labels("value" + v).increment(v);
        Counter.builder("bench.metric" + m)
            .description("bench.metric" + m)
            .tag("key", "value" + v)
            .register(plain)
            .increment(v);
      }
    }
    ExpositionFormats formats = ExpositionFormats.init();
    textWriter = formats.findWriter(null);
    openMetricsWriter = formats.findWriter("application/openmetrics-text; version=1.0.0");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    obs.close();
    plain.close();
  }

  @Benchmark
  public String baselineMicrometerScrape() {
    return plain.scrape();
  }

  @Benchmark
  public int obsEndpointText() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    textWriter.write(out, obsRegistry.getPrometheusRegistry().scrape());
    return out.size();
  }

  @Benchmark
  public String baselineMicrometerScrapeOpenMetrics() {
    return plain.scrape("application/openmetrics-text; version=1.0.0");
  }

  @Benchmark
  public int obsEndpointOpenMetrics() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    openMetricsWriter.write(out, obsRegistry.getPrometheusRegistry().scrape());
    return out.size();
  }
}
