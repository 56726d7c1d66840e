// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedactingExportersTest {

  private static final Redactor MASKING =
      Redactor.builder()
          .addDetectors(Detectors.builtIn(Detectors.NAMES))
          .addDenied(Redactor.DEFAULT_DENYLIST)
          .build();

  private static final String CARD = "4111111111111111";
  private static final String MAIL = "alice@example.com";

  @Test
  void everyTextOfASpanLeavesRedacted() {
    InMemorySpanExporter sink = InMemorySpanExporter.create();
    List<SpanData> spans;
    try (SdkTracerProvider provider = tracing(sink, MASKING)) {
      Tracer tracer = provider.get("test");
      Span other = tracer.spanBuilder("other").startSpan();
      other.end();
      Span span =
          tracer
              .spanBuilder("GET /users/" + MAIL)
              .addLink(other.getSpanContext(), Attributes.of(AttributeKey.stringKey("note"), MAIL))
              .setAttribute("url.full", "https://shop.example/pay/" + CARD + "?to=" + MAIL)
              .setAttribute("url.path", "/pay/" + CARD)
              .setAttribute("tenant-id", MAIL)
              .setAttribute("http.request.header.authorization", "Basic dXNlcjpwdw==")
              .setAttribute(AttributeKey.longKey("api_key"), 12345L)
              .setAttribute(AttributeKey.stringArrayKey("emails"), List.of("none", MAIL))
              .setAttribute("http.route", "/pay/{card}")
              .startSpan();
      span.recordException(new IllegalStateException("login failed: password=hunter2 for " + MAIL));
      span.setStatus(StatusCode.ERROR, "card " + CARD + " declined");
      span.end();
      spans = sink.getFinishedSpanItems();
    }

    SpanData span = spans.get(1);
    String everything = span.toString();
    assertThat(everything).doesNotContain(CARD, MAIL, "hunter2", "dXNlcjpwdw==", "12345");
    assertThat(span.getName()).isEqualTo("GET /users/****");
    Attributes a = span.getAttributes();
    assertThat(a.get(AttributeKey.stringKey("url.path"))).isEqualTo("/pay/****");
    assertThat(a.get(AttributeKey.stringKey("url.full")))
        .isEqualTo("https://shop.example/pay/****?to=****");
    assertThat(a.get(AttributeKey.stringKey("tenant-id"))).isEqualTo("****");
    assertThat(a.get(AttributeKey.stringKey("http.request.header.authorization")))
        .isEqualTo("****");
    // A number under a denylisted name is hidden too, as a string.
    assertThat(a.get(AttributeKey.stringKey("api_key"))).isEqualTo("****");
    assertThat(a.get(AttributeKey.longKey("api_key"))).isNull();
    assertThat(a.get(AttributeKey.stringArrayKey("emails"))).containsExactly("none", "****");
    assertThat(a.get(AttributeKey.stringKey("http.route"))).isEqualTo("/pay/{card}");
    assertThat(span.getEvents()).singleElement().satisfies(event -> {
      assertThat(event.getName()).isEqualTo("exception");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message")))
          .isEqualTo("login failed: password=**** for ****");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
          .startsWith("java.lang.IllegalStateException: login failed: password=**** for ****");
    });
    assertThat(span.getLinks().get(0).getAttributes().get(AttributeKey.stringKey("note")))
        .isEqualTo("****");
    assertThat(span.getStatus().getDescription()).isEqualTo("card **** declined");
    // What is not text stays as it was.
    assertThat(span.getTotalAttributeCount()).isEqualTo(7);
    assertThat(span.getLinks().get(0).getSpanContext()).isEqualTo(spans.get(0).getSpanContext());
  }

  @Test
  void aSpanWithNothingToHideIsPassedOnAsItIs() {
    InMemorySpanExporter sink = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = tracing(sink, MASKING)) {
      provider.get("test").spanBuilder("GET /orders/{id}")
          .setAttribute("url.path", "/orders/7").startSpan().end();
      SpanData span = sink.getFinishedSpanItems().get(0);
      assertThat(RedactingExporters.span(span, MASKING)).isSameAs(span);
    }
  }

  @Test
  void valuesRedactedOnceAreNotRedactedAgain() {
    Redactor hashing =
        Redactor.builder()
            .addDetectors(Detectors.builtIn(Detectors.NAMES))
            .addDenied(Redactor.DEFAULT_DENYLIST)
            .setMode(Redactor.Mode.HASH)
            .setHashKey("k")
            .build();
    String once = hashing.redactField("password", "hunter2");
    assertThat(once).startsWith("[hash:");
    assertThat(hashing.isReplacement(once)).isTrue();
    Attributes attributes = Attributes.of(AttributeKey.stringKey("password"), once);
    // A log line's hash and the exported record's are the same, so the two can be matched.
    assertThat(RedactingExporters.attributes(attributes, hashing)).isSameAs(attributes);
    assertThat(hashing.isReplacement("[hash:0123456789az]")).isFalse();
    assertThat(MASKING.isReplacement("****")).isTrue();
  }

  @Test
  void logRecordsWrittenThroughTheApiLeaveRedacted() {
    InMemoryLogRecordExporter sink = InMemoryLogRecordExporter.create();
    List<LogRecordData> records;
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(
            RedactingExporters.logs(sink, () -> MASKING)))
        .build()) {
      provider.get("api").logRecordBuilder()
          .setSeverity(Severity.WARN)
          .setBody("refund to " + CARD + " for " + MAIL)
          .setAttribute(AttributeKey.stringKey("user.email"), MAIL)
          .setAttribute(AttributeKey.stringKey("session_token"), "abc")
          .setAttribute(AttributeKey.stringKey("order"), "42")
          .emit();
      provider.get("api").logRecordBuilder().setBody(Value.of(42L)).emit();
      records = sink.getFinishedLogRecordItems();
    }
    LogRecordData record = records.get(0);
    assertThat(record.getBodyValue().asString()).isEqualTo("refund to **** for ****");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("user.email"))).isEqualTo("****");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("session_token")))
        .isEqualTo("****");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("order"))).isEqualTo("42");
    assertThat(record.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(records.get(1).getBodyValue().getValue()).isEqualTo(42L);
  }

  @Test
  void metricPointsPushedOverOtlpLeaveWithTheirAttributesRedacted() {
    InMemoryMetricExporter sink = InMemoryMetricExporter.create();
    List<MetricData> metrics;
    try (SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(
            PeriodicMetricReader.create(RedactingExporters.metrics(sink, () -> MASKING)))
        .build()) {
      Meter meter = provider.get("lib");
      meter.counterBuilder("logins").build()
          .add(1, Attributes.of(AttributeKey.stringKey("user"), MAIL));
      meter.counterBuilder("logins").build()
          .add(1, Attributes.of(AttributeKey.stringKey("user"), "anonymous"));
      meter.histogramBuilder("payment.duration").build()
          .record(0.2, Attributes.of(AttributeKey.stringKey("card"), CARD));
      meter.gaugeBuilder("sessions").buildWithCallback(
          m -> m.record(3, Attributes.of(AttributeKey.stringKey("session_token"), "abc")));
      meter.upDownCounterBuilder("plain").build().add(1, Attributes.of(
          AttributeKey.stringKey("route"), "/orders/{id}"));
      provider.forceFlush().join(5, TimeUnit.SECONDS);
      metrics = sink.getFinishedMetricItems();
    }

    assertThat(metrics.toString()).doesNotContain(MAIL, CARD, "abc");
    MetricData logins = named(metrics, "logins");
    assertThat(logins.getLongSumData().getPoints())
        .extracting(p -> p.getAttributes().get(AttributeKey.stringKey("user")))
        .containsExactlyInAnyOrder("****", "anonymous");
    assertThat(logins.getLongSumData().isMonotonic()).isTrue();
    assertThat(named(metrics, "payment.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(p -> {
          assertThat(p.getAttributes().get(AttributeKey.stringKey("card"))).isEqualTo("****");
          assertThat(p.getCount()).isEqualTo(1);
          assertThat(p.getSum()).isEqualTo(0.2);
        });
    assertThat(named(metrics, "sessions").getDoubleGaugeData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("session_token")))
            .isEqualTo("****"));
    MetricData plain = named(metrics, "plain");
    assertThat(RedactingExporters.metric(plain, MASKING)).isSameAs(plain);
  }

  private static MetricData named(List<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  private static SdkTracerProvider tracing(InMemorySpanExporter sink, Redactor redactor) {
    return SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(RedactingExporters.spans(sink, () -> redactor)))
        .build();
  }
}
