// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.internal.redact.Detectors;
import io.obs.logging.internal.redact.Redactor;
import io.obs.logging.testing.TestEvents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.Test;

class JsonFormatTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private static LogSettings.Builder settings() {
    return LogSettings.builder()
        .setService("checkout", "2.0.0", "staging")
        .setRedactor(
            Redactor.builder()
                .addDetectors(Detectors.builtIn(LoggingKeys.DETECTOR_NAMES))
                .addDenied(LoggingKeys.DEFAULT_DENYLIST)
                .build());
  }

  private static String line(LogSettings settings, LoggingEvent event, Context context) {
    JsonFormat format = new JsonFormat(TestEvents.context(), settings);
    try {
      return new String(
          format.format(PreparedEvent.prepare(event, context, settings)), StandardCharsets.UTF_8);
    } finally {
      format.stop();
    }
  }

  private static Context span() {
    return Context.root()
        .with(
            Span.wrap(
                SpanContext.create(
                    TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault())));
  }

  @Test
  void wholeLineParsesWithEveryFieldInOrder() throws Exception {
    LoggingEvent event =
        event(
            "com.shop.Checkout",
            Level.ERROR,
            "payment {} failed",
            new IllegalStateException("card declined"),
            StructuredArguments.kv("payment_id", "p-9"));
    event.setThreadName("http-1");
    event.setInstant(Instant.parse("2026-03-04T05:06:07.089Z"));
    event.setMDCPropertyMap(Map.of("tenant", "acme"));

    String line = line(settings().build(), event, span());

    assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    JsonNode node = Json.MAPPER.readTree(line);
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "@timestamp",
            "level",
            "logger",
            "thread",
            "message",
            "service.name",
            "service.version",
            "deployment.environment",
            "trace_id",
            "span_id",
            "trace_flags",
            "tenant",
            "payment_id",
            "error.type",
            "error.message",
            "error.stack_trace");
    assertThat(node.get("@timestamp").asText()).isEqualTo("2026-03-04T05:06:07.089Z");
    assertThat(node.get("message").asText()).isEqualTo("payment payment_id=p-9 failed");
    assertThat(node.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(node.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void renamedFieldsAreWrittenUnderTheirNewNames() throws Exception {
    LogSettings renamed =
        settings()
            .setFieldNames(FieldNames.of(Map.of("trace_id", "traceId", "@timestamp", "time")))
            .build();
    JsonNode node = Json.MAPPER.readTree(line(renamed, event(Level.INFO, "m"), span()));
    assertThat(node.has("traceId")).isTrue();
    assertThat(node.has("trace_id")).isFalse();
    assertThat(node.has("time")).isTrue();
  }

  @Test
  void controlCharactersAreEscapedAndTheLineStaysOne() throws Exception {
    String message = "line1\nline2\r\u0000\u001b[31mred\t";
    String line = line(settings().build(), event(Level.INFO, message), Context.root());
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    assertThat(line).doesNotContain("\u0000", "\u001b", "\r");
    assertThat(Json.MAPPER.readTree(line).get("message").asText()).isEqualTo(message);
  }

  @Test
  void invalidSurrogatesDoNotBreakTheJson() throws Exception {
    LoggingEvent event = event("bad\uDC00logger", Level.INFO, "half \uD83D pair and \uDE00", null);
    event.setThreadName("t\uD800");
    event.setMDCPropertyMap(Map.of("k\uD800", "v\uDFFF"));
    String line = line(settings().build(), event, Context.root());
    JsonNode node = Json.MAPPER.readTree(line.getBytes(StandardCharsets.UTF_8));
    assertThat(node.get("message").asText()).isEqualTo("half \uFFFD pair and \uFFFD");
    assertThat(node.get("logger").asText()).isEqualTo("bad\uFFFDlogger");
    assertThat(node.get("k\uFFFD").asText()).isEqualTo("v\uFFFD");
  }

  @Test
  void hugeMessageIsCutWithTheConfiguredMarker() throws Exception {
    LogSettings small = settings().setMaxMessageLength(100).setTruncationMarker("<cut>").build();
    String line = line(small, event(Level.INFO, "x".repeat(1_000_000)), Context.root());
    assertThat(Json.MAPPER.readTree(line).get("message").asText())
        .isEqualTo("x".repeat(100) + "<cut>");
    assertThat(line.length()).isLessThan(1000);
  }
}
