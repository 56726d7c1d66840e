// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.obs.Observability;
import io.obs.metrics.ObsMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real obs instance with obs-metrics on a loopback endpoint server, plus some traffic. */
final class TestApp implements AutoCloseable {

  final Observability obs;
  final int port;
  private final DoubleHistogram httpDuration;
  private final Counter orders;

  private TestApp(Observability obs) {
    this.obs = obs;
    this.port = obs.serverPort().orElseThrow();
    // Same instrument, unit and attributes as obs-tracing's server instrumentation.
    this.httpDuration =
        obs.meter("io.obs.tracing")
            .histogramBuilder("http.server.request.duration")
            .setUnit("s")
            .setDescription("Duration of HTTP server requests.")
            .build();
    this.orders =
        obs.component(ObsMetrics.class)
            .orElseThrow()
            .counter("orders.placed", "channel", "region")
            .labels("web", "eu");
  }

  static TestApp start(Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", "0");
    settings.put("service.name", "checkout");
    settings.put("service.environment", "test");
    settings.put("shutdown.hook", "false");
    settings.putAll(extra);
    Observability.Builder builder =
        Observability.builder()
            .setModules(List.of(new MetricsModule()))
            .setEnvironment(Map.of())
            .setSystemProperties(Map.of())
            .setRegisterGlobal(false);
    settings.forEach(builder::set);
    return new TestApp(builder.build());
  }

  MeterRegistry registry() {
    return obs.component(MeterRegistry.class).orElseThrow();
  }

  /** Records one request inside a sampled span and returns the span's trace id. */
  @SuppressWarnings("try") // the scope makes the span current for the recordings
  String request(String route, int status, double seconds) {
    Span span = obs.tracer("test").spanBuilder("GET " + route).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      httpDuration.record(
          seconds,
          Attributes.of(
              AttributeKey.stringKey("http.request.method"), "GET",
              AttributeKey.stringKey("http.route"), route,
              AttributeKey.longKey("http.response.status_code"), (long) status));
      orders.increment();
      return span.getSpanContext().getTraceId();
    } finally {
      span.end();
    }
  }

  @Override
  public void close() {
    obs.close();
  }
}
