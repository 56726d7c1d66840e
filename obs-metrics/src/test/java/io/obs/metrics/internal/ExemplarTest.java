// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.internal.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are opened for their side effect on Context.current()
class ExemplarTest {

  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final String SAMPLED_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String UNSAMPLED_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static Span span(String traceId, String spanId, boolean sampled) {
    return Span.wrap(
        SpanContext.create(
            traceId,
            spanId,
            sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            TraceState.getDefault()));
  }

  @Test
  void micrometerCounterAndTimerBucketsCarrySampledSpanOnly() {
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), io.micrometer.core.instrument.Clock.SYSTEM,
            new OtelSpanContext());
    Counter sampledCounter = Counter.builder("jobs").tag("kind", "sampled").register(registry);
    Counter unsampledCounter = Counter.builder("jobs").tag("kind", "unsampled").register(registry);
    Timer timer =
        Timer.builder("work")
            .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100))
            .register(registry);

    try (Scope ignored = span(UNSAMPLED_TRACE, "00f067aa0ba902b7", false).makeCurrent()) {
      unsampledCounter.increment();
    }
    try (Scope ignored = span(SAMPLED_TRACE, "b7ad6b7169203331", true).makeCurrent()) {
      sampledCounter.increment();
      timer.record(Duration.ofMillis(50));
    }

    String text = registry.scrape(OPENMETRICS);
    assertThat(text)
        .containsPattern(
            "jobs_total\\{kind=\"sampled\"} 1\\.0 # \\{span_id=\"b7ad6b7169203331\",trace_id=\""
                + SAMPLED_TRACE
                + "\"}");
    assertThat(text).containsPattern("work_seconds_bucket\\{le=\"0\\.1\"} 1 # \\{span_id=\"b7ad6b7169203331\",trace_id=\"" + SAMPLED_TRACE);
    assertThat(text).contains("jobs_total{kind=\"unsampled\"} 1.0\n");
    assertThat(text).doesNotContain(UNSAMPLED_TRACE);
    // The classic text format has no exemplars; Prometheus gets them through OpenMetrics.
    assertThat(registry.scrape()).doesNotContain("trace_id");
  }

  @Test
  void openTelemetryHistogramCarriesSampledSpanOnly() {
    PrometheusMetricReader reader = PrometheusMetricReader.builder().build();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .registerMetricReader(reader)
            .registerView(
                io.opentelemetry.sdk.metrics.InstrumentSelector.builder()
                    .setName("http.server.request.duration")
                    .setUnit("s")
                    .build(),
                io.opentelemetry.sdk.metrics.View.builder()
                    .setAggregation(
                        io.opentelemetry.sdk.metrics.Aggregation.explicitBucketHistogram(
                            io.opentelemetry.sdk.metrics.ExplicitBucketHistogramOptions.builder()
                                .setBucketBoundaries(java.util.List.of(0.1, 0.5))
                                .build()))
                    .build())
            .build()) {
      DoubleHistogram histogram =
          provider.get("test").histogramBuilder("http.server.request.duration").setUnit("s").build();
      Attributes sampledRoute = Attributes.of(AttributeKey.stringKey("http.route"), "/a");
      Attributes unsampledRoute = Attributes.of(AttributeKey.stringKey("http.route"), "/b");
      try (Scope ignored = span(SAMPLED_TRACE, "b7ad6b7169203331", true).makeCurrent()) {
        histogram.record(0.2, sampledRoute);
      }
      try (Scope ignored = span(UNSAMPLED_TRACE, "00f067aa0ba902b7", false).makeCurrent()) {
        histogram.record(0.2, unsampledRoute);
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      registry.register(new OtelCollector(reader, Map.of("service", "checkout"), Set::of, Redactor::disabled));

      String text =
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, io.micrometer.core.instrument.Clock.SYSTEM)
              .scrape(OPENMETRICS);
      assertThat(text).contains("trace_id=\"" + SAMPLED_TRACE + "\"");
      assertThat(text).doesNotContain(UNSAMPLED_TRACE);
      assertThat(text).containsPattern("http_route=\"/a\".*service=\"checkout\".* # \\{span_id=\"b7ad6b7169203331\",trace_id=\"" + SAMPLED_TRACE);
    }
  }
}
