// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.obs.logging.internal.redact.Detectors;
import io.obs.logging.internal.redact.Redactor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.Test;

class TextFormatTest {

  private final LogSettings settings =
      LogSettings.builder()
          .setJson(false)
          .setRedactor(
              Redactor.builder()
                  .addDetectors(Detectors.builtIn(LoggingKeys.DETECTOR_NAMES))
                  .build())
          .build();

  @Test
  void textLineCarriesTraceIdAndFields() {
    LoggingEvent event =
        event(
            "com.shop.Orders",
            Level.INFO,
            "order {} placed",
            null,
            StructuredArguments.kv("id", 42));
    event.setThreadName("main");
    event.setInstant(Instant.parse("2026-01-31T12:00:00.123Z"));
    Context context =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        "00f067aa0ba902b7",
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
    String line = text(event, context);
    assertThat(line)
        .isEqualTo(
            "2026-01-31T12:00:00.123Z INFO  [main] com.shop.Orders - order id=42 placed"
                + " trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 id=42\n");
  }

  @Test
  void newlinesInTheMessageAreEscapedSoALineCannotBeForged() {
    String line =
        text(event(Level.WARN, "user input\n2026-01-01T00:00:00.000Z ERROR fake"), Context.root());
    assertThat(line.lines().count()).isEqualTo(1);
    assertThat(line).contains("user input\\n2026");
  }

  @Test
  void stackTraceFollowsOnItsOwnLinesRedacted() {
    String line =
        text(
            event("l", Level.ERROR, "failed", new IllegalStateException("password=hunter2")),
            Context.root());
    assertThat(line.lines().skip(1).findFirst().orElseThrow())
        .isEqualTo("java.lang.IllegalStateException: password=****");
    assertThat(line).doesNotContain("hunter2");
  }

  private String text(LoggingEvent event, Context context) {
    return new String(
        new TextFormat().format(PreparedEvent.prepare(event, context, settings)),
        StandardCharsets.UTF_8);
  }
}
