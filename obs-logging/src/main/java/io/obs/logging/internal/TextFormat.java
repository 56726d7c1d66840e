// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.logging.internal.json.TimestampJsonProvider;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Internal: not for use outside obs. A human-readable line for local development that still
 * carries the trace id:
 *
 * <pre>
 * 2026-01-31T12:00:00.123Z INFO  [main] com.shop.Orders - placed trace_id=4bf9... span_id=00f0...
 * </pre>
 *
 * <p>Nothing taken from outside — thread and logger name, message, field names and values,
 * exception messages and stack frames — can start a line or add a field: each such text is
 * written as it is only when it is <em>plain</em> (see {@link Part}), and otherwise between double
 * quotes with {@code "} and {@code \} escaped, line breaks and tabs as {@code \n}, {@code \r},
 * {@code \t} and every other unsafe character (C0 and C1 controls, DEL, U+2028, U+2029, bidi
 * controls) as {@code \}{@code uXXXX}. An event is one line; a stack trace follows on lines of its
 * own, each starting with a tab, so a line that does not start with a tab always starts an event.
 * The rule is documented in docs/logs.md ("Text format").
 */
public final class TextFormat implements EventFormat {

  /** Where a text goes, which decides what makes it plain (written without quotes). */
  enum Part {
    /**
     * A logger name, field name or field value: plain when not empty and free of unsafe
     * characters, white space, {@code "}, {@code \} and {@code =}.
     */
    TOKEN,
    /** A thread name: as {@link #MESSAGE}, and free of {@code [} and {@code ]} too. */
    THREAD,
    /**
     * A message (also an exception message or a stack frame): plain when not empty, free of unsafe
     * characters, {@code "}, {@code \} and {@code =}, and neither starting nor ending with white
     * space. Spaces inside are fine: with no {@code =} in it, no part of it reads as a field.
     */
    MESSAGE
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final TimestampJsonProvider timestamps = new TimestampJsonProvider("t");

  @Override
  public byte[] format(PreparedEvent event) {
    StringBuilder line = new StringBuilder(160);
    line.append(timestamps.format(event.getInstant())).append(' ');
    String level = event.getLevel().levelStr;
    line.append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(" [");
    append(line, event.getThreadName(), Part.THREAD);
    line.append("] ");
    append(line, event.getLoggerName(), Part.TOKEN);
    line.append(" - ");
    append(line, event.getFormattedMessage(), Part.MESSAGE);
    SpanContext span = event.spanContext();
    if (span != null) {
      line.append(" trace_id=").append(span.getTraceId());
      line.append(" span_id=").append(span.getSpanId());
    }
    if (event.requestId() != null) {
      pair(line, "http.request.id", event.requestId());
    }
    event.baggage().forEach((k, v) -> pair(line, k, v));
    for (Map.Entry<String, String> e : event.mdcFields().entrySet()) {
      if (!LogSettings.isTraceKey(e.getKey())) {
        pair(line, e.getKey(), e.getValue());
      }
    }
    StructuredFields fields = event.structuredFields();
    for (int i = 0; i < fields.size(); i++) {
      pair(line, fields.name(i), StructuredFields.text(fields.value(i)));
    }
    line.append('\n');
    if (event.getThrowableProxy() != null) {
      LogSettings settings = event.settings();
      line.append(
          StackTraces.renderLines(
              event.getThrowableProxy(), settings.stackTraceDepth(), settings.limits()));
    }
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void pair(StringBuilder line, String key, String value) {
    line.append(' ');
    append(line, key, Part.TOKEN);
    line.append('=');
    append(line, value, Part.TOKEN);
  }

  /** Appends {@code text} as it is when it is plain for {@code part}, else quoted and escaped. */
  static void append(StringBuilder out, String text, Part part) {
    if (isPlain(text, part)) {
      out.append(text);
    } else {
      quote(out, text);
    }
  }

  static boolean isPlain(String text, Part part) {
    int length = text.length();
    if (length == 0) {
      return false;
    }
    if (part != Part.TOKEN && (isSpace(text.charAt(0)) || isSpace(text.charAt(length - 1)))) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        // Printable ASCII is the common case: one comparison chain, no table of Unicode types.
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '=') {
          return false;
        }
        if (c == ' ' && part == Part.TOKEN) {
          return false;
        }
        if ((c == '[' || c == ']') && part == Part.THREAD) {
          return false;
        }
      } else if (isUnsafe(c) || (part == Part.TOKEN && isSpace(c))) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code text} between double quotes, escaping what could break or fake the line. */
  static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (isUnsafe(c)) {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Characters never written raw: C0 controls and DEL (line breaks, ANSI escape sequences), C1
   * controls (U+0085 NEL is a line break to some tools), the Unicode line and paragraph
   * separators, and the bidi controls that reorder what a terminal shows.
   */
  static boolean isUnsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || c == 0x061c
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
