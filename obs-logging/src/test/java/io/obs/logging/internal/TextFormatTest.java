// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.obs.logging.testing.TextLines;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class TextFormatTest {

  private final LogSettings settings =
      LogSettings.builder()
          .setJson(false)
          .setRedactor(
              Redactor.builder()
                  .addDetectors(Detectors.builtIn(Detectors.NAMES))
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
            "2026-01-31T12:00:00.123Z INFO  [main] com.shop.Orders - \"order id=42 placed\""
                + " trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 id=42\n");
  }

  @Test
  void newlinesInTheMessageAreEscapedSoALineCannotBeForged() {
    String line =
        text(event(Level.WARN, "user input\n2026-01-01T00:00:00.000Z ERROR fake"), Context.root());
    assertThat(line.lines().count()).isEqualTo(1);
    assertThat(line).contains(" - \"user input\\n2026");
  }

  @Test
  void stackTraceFollowsOnItsOwnLinesRedacted() {
    String line =
        text(
            event("l", Level.ERROR, "failed", new IllegalStateException("password=hunter2")),
            Context.root());
    assertThat(line.lines().skip(1).findFirst().orElseThrow())
        .isEqualTo("\tjava.lang.IllegalStateException: \"password=****\"");
    assertThat(line.lines().skip(1)).allMatch(l -> l.startsWith("\t"));
    assertThat(line).doesNotContain("hunter2");
  }

  /** Inputs that tried to add a line, a field or terminal effects to a text line. */
  static final List<String> HOSTILE =
      List.of(
          "ok\n2026-01-31T12:00:00.123Z ERROR [main] com.shop.Auth - admin logged in",
          "carriage\rreturn",
          "line\u2028separator and paragraph\u2029separator",
          "next\u0085line",
          "x trace_id=00000000000000000000000000000000 level=ERROR",
          "quote\" injected=\"yes",
          "back\\slash\\n not a newline",
          "\u001b[2J\u001b[31mred\u001b[0m",
          "tab\tand\u0000nul\u007fdel",
          "main] com.fake.Logger - forged",
          " leading and trailing ",
          "bidi \u202eevil\u202c and \u2066isolate\u2069",
          "=",
          "");

  @Test
  void noInputCanAddALineOrAFieldToATextLine() {
    LogSettings baggage = settings.toBuilder().setBaggageKeys(List.of("tenant")).build();
    for (String hostile : HOSTILE) {
      LoggingEvent event =
          event(
              hostile.isEmpty() ? "empty.logger" : hostile,
              Level.ERROR,
              hostile,
              new IllegalStateException(hostile, new RuntimeException(hostile)));
      event.setThreadName(hostile);
      Map<String, String> mdc = new LinkedHashMap<>();
      mdc.put(hostile + "k", hostile);
      event.setMDCPropertyMap(Collections.unmodifiableMap(mdc));
      event.addKeyValuePair(new KeyValuePair("kv" + hostile, hostile));
      Context context =
          Context.root().with(Baggage.builder().put("tenant", hostile).build());
      String text =
          new String(
              new TextFormat().format(PreparedEvent.prepare(event, context, baggage)),
              StandardCharsets.UTF_8);

      assertThat(text).as(hostile).endsWith("\n");
      List<String> lines = List.of(text.substring(0, text.length() - 1).split("\n", -1));
      assertThat(lines.subList(1, lines.size()))
          .as("every stack trace line starts with a tab: %s", text)
          .isNotEmpty()
          .allMatch(l -> l.startsWith("\t"));
      for (String l : lines) {
        // The tabs that start a stack trace line are the format's own.
        assertThat(l.replaceFirst("^\t+", "").chars().noneMatch(c -> TextLines.unsafe((char) c)))
            .as("no raw control, separator or bidi character in %s", l)
            .isTrue();
      }
      TextLines.Line line = TextLines.parse(lines.get(0));
      assertThat(line.level()).isEqualTo("ERROR");
      assertThat(line.thread()).isEqualTo(hostile);
      assertThat(line.logger()).isEqualTo(hostile.isEmpty() ? "empty.logger" : hostile);
      assertThat(line.message()).isEqualTo(hostile);
      assertThat(line.fields())
          .containsExactly(
              Map.entry("tenant", hostile),
              Map.entry(hostile + "k", hostile),
              Map.entry("kv" + hostile, hostile));
      assertThat(lines.get(1))
          .isEqualTo("\tjava.lang.IllegalStateException: " + quotedMessage(hostile));
      assertThat(lines).contains("\tCaused by: java.lang.RuntimeException: " + quotedMessage(hostile));
    }
  }

  @Test
  void aLongStackTraceIsCutAfterAWholeLine() {
    LogSettings small = settings.toBuilder().setMaxMessageLength(300).build();
    IllegalStateException deep = new IllegalStateException("top \"quoted\"");
    for (int i = 0; i < 50; i++) {
      deep.addSuppressed(new RuntimeException("suppressed " + i + " \n with a break"));
    }
    String text =
        new String(
            new TextFormat().format(PreparedEvent.prepare(event("l", Level.ERROR, "m", deep),
                Context.root(), small)),
            StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("\t...[truncated]");
    assertThat(lines.subList(1, lines.size())).allMatch(l -> l.startsWith("\t"));
    // Every quoted text is closed on its own line.
    assertThat(lines).allMatch(l -> l.replace("\\\\", "").replace("\\\"", "").chars()
        .filter(c -> c == '"').count() % 2 == 0);
    assertThat(text.length()).isLessThan(300 + 200);
  }

  private static String quotedMessage(String message) {
    StringBuilder out = new StringBuilder();
    TextFormat.append(out, message, TextFormat.Part.MESSAGE);
    return out.toString();
  }

  private String text(LoggingEvent event, Context context) {
    return new String(
        new TextFormat().format(PreparedEvent.prepare(event, context, settings)),
        StandardCharsets.UTF_8);
  }
}
