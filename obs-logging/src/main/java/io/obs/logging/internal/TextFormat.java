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
 * Control characters inside values are escaped ({@code \n} becomes {@code \\n}) so one event is
 * one line and a message cannot forge another; a stack trace follows on its own lines.
 */
public final class TextFormat implements EventFormat {

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
    escape(line, event.getThreadName());
    line.append("] ");
    escape(line, event.getLoggerName());
    line.append(" - ");
    escape(line, event.getFormattedMessage());
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
    String stackTrace = event.stackTrace();
    if (stackTrace != null) {
      line.append(stackTrace);
      if (!stackTrace.endsWith("\n")) {
        line.append('\n');
      }
    }
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void pair(StringBuilder line, String key, String value) {
    line.append(' ');
    escape(line, key);
    line.append('=');
    escape(line, value);
  }

  static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
  }
}
