// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.testing.TestEvents;
import io.obs.logging.testing.TextLines;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * Random text — line breaks of every kind, quotes, backslashes, {@code key=value} look-alikes,
 * ANSI escapes, bidi controls, lone surrogates, any UTF-16 unit — in every place an event takes
 * text from outside, through both formats: each JSON output is exactly one line (also for tools
 * that split on U+0085, U+2028 and U+2029) and parses back to the values logged; each text output
 * is one event line that the documented rule parses back to the values logged, followed only by
 * stack trace lines that start with a tab. A fixed seed and a fixed budget (events and time).
 */
class LineFuzzTest {

  private static final long SEED = 0x0b5_2026_1207L;
  private static final int EVENTS = 3_000;
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final String HOSTILE =
      "\n\r\t\u000b\u000c\u0000\u001b\u007f\u0085\u2028\u2029\u202e\u2066\u200f\u00a0\u3000"
          + " =\"\\[]-:{}%$" + "\uD83D\uDE00\uD800\uDC00\u00e9";
  private static final List<String> FRAGMENTS =
      List.of(" trace_id=", " level=ERROR", "\n2026-01-31T12:00:00.123Z ERROR [main] x - ",
          "\u001b[31m", " - ", "] ", "\\n", "\\\"", "k=v");

  private final Random random = new Random(SEED);

  private String text() {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(24);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      if (kind < 4) {
        out.append(HOSTILE.charAt(random.nextInt(HOSTILE.length())));
      } else if (kind < 7) {
        out.append((char) (0x20 + random.nextInt(0x5f)));
      } else if (kind < 8) {
        out.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
      } else {
        out.append((char) random.nextInt(0x10000));
      }
    }
    return out.toString();
  }

  private static String repaired(String text) {
    return TextLimits.repairSurrogates(text);
  }

  @Test
  void randomTextInEveryPlaceGivesOneParseableLineInBothFormats() throws Exception {
    LogSettings json = LogSettings.builder().setBaggageKeys(List.of("tenant")).build();
    LogSettings text = json.toBuilder().setJson(false).build();
    JsonFormat jsonFormat = new JsonFormat(TestEvents.context(), json);
    TextFormat textFormat = new TextFormat();
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int checked = 0;
    try {
      for (int i = 0; i < EVENTS && System.nanoTime() < deadline; i++) {
        String message = text();
        String thread = text();
        String logger = text();
        String mdcKey = "m" + text();
        String mdcValue = text();
        String kvKey = "k" + text();
        String kvValue = text();
        String baggage = text();
        String errorMessage = random.nextBoolean() ? text() : null;
        Throwable error = random.nextInt(4) == 0 ? new IllegalStateException(errorMessage) : null;

        LoggingEvent event = event("fuzz", Level.WARN, message, error, (Object[]) null);
        event.setLoggerName(logger);
        event.setThreadName(thread);
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put(mdcKey, mdcValue);
        event.setMDCPropertyMap(Collections.unmodifiableMap(mdc));
        event.addKeyValuePair(new KeyValuePair(kvKey, kvValue));
        Context context = Context.root().with(Baggage.builder().put("tenant", baggage).build());

        String line =
            new String(
                jsonFormat.format(PreparedEvent.prepare(event, context, json)),
                StandardCharsets.UTF_8);
        assertThat(line.indexOf('\n')).as(line).isEqualTo(line.length() - 1);
        assertThat(line).doesNotContain("\r", "\u000b", "\u000c", "\u0085", "\u2028", "\u2029");
        JsonNode node = Json.MAPPER.readTree(line);
        assertThat(node.get("message").asText()).isEqualTo(repaired(message));
        assertThat(node.get("thread").asText()).isEqualTo(repaired(thread));
        assertThat(node.get("logger").asText()).isEqualTo(repaired(logger));
        assertThat(node.get(repaired(mdcKey)).asText()).isEqualTo(repaired(mdcValue));
        assertThat(node.get(repaired(kvKey)).asText()).isEqualTo(repaired(kvValue));
        assertThat(node.get("tenant").asText()).isEqualTo(repaired(baggage));

        String out =
            new String(
                textFormat.format(PreparedEvent.prepare(event, context, text)),
                StandardCharsets.UTF_8);
        assertThat(out).endsWith("\n");
        String[] lines = out.substring(0, out.length() - 1).split("\n", -1);
        for (int l = 1; l < lines.length; l++) {
          assertThat(lines[l]).as(out).startsWith("\t");
        }
        for (String l : lines) {
          assertThat(l.replaceFirst("^\t+", "").chars().noneMatch(c -> TextLines.unsafe((char) c)))
              .as(l)
              .isTrue();
        }
        assertThat(lines.length > 1).isEqualTo(error != null);
        TextLines.Line parsed = TextLines.parse(lines[0]);
        assertThat(parsed.level()).isEqualTo("WARN");
        assertThat(parsed.message()).isEqualTo(repaired(message));
        assertThat(parsed.thread()).isEqualTo(repaired(thread));
        assertThat(parsed.logger()).isEqualTo(repaired(logger));
        assertThat(parsed.fields())
            .containsExactly(
                Map.entry("tenant", repaired(baggage)),
                Map.entry(repaired(mdcKey), repaired(mdcValue)),
                Map.entry(repaired(kvKey), repaired(kvValue)));
        checked++;
      }
    } finally {
      jsonFormat.stop();
    }
    // The time budget is generous; on a loaded machine it still checks a good share.
    assertThat(checked).isGreaterThanOrEqualTo(Math.min(EVENTS, 500));
  }
}
