// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Internal: not for use outside obs. Writes the event time as UTC ISO-8601 with exactly three
 * fraction digits ({@code 2026-01-31T12:00:00.123Z}), which sorts as text and parses everywhere.
 * The seconds part is cached per second, because formatting it is most of the cost.
 */
public final class TimestampJsonProvider extends ObsJsonProvider {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String fieldName;
  private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

  private record Cached(long epochSecond, String prefix) {}

  public TimestampJsonProvider(String fieldName) {
    this.fieldName = fieldName;
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    generator.writeStringField(fieldName, format(event.getInstant()));
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
  public String format(Instant instant) {
    long second = instant.getEpochSecond();
    Cached c = cached;
    if (c.epochSecond() != second) {
      c = new Cached(second, SECONDS.format(Instant.ofEpochSecond(second)));
      cached = c;
    }
    int millis = instant.getNano() / 1_000_000;
    char[] out = new char[c.prefix().length() + 5];
    c.prefix().getChars(0, c.prefix().length(), out, 0);
    int i = c.prefix().length();
    out[i] = '.';
    out[i + 1] = (char) ('0' + millis / 100);
    out[i + 2] = (char) ('0' + millis / 10 % 10);
    out[i + 3] = (char) ('0' + millis % 10);
    out[i + 4] = 'Z';
    return new String(out);
  }
}
