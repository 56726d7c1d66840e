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
    char[] out = BUFFER.get();
    int length = format(event.getInstant(), out);
    generator.writeFieldName(fieldName);
    generator.writeString(out, 0, length);
  }

  // One buffer per writing thread: the generator copies the characters, so no String is made.
  private static final ThreadLocal<char[]> BUFFER = ThreadLocal.withInitial(() -> new char[32]);

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
  public String format(Instant instant) {
    char[] out = new char[32];
    return new String(out, 0, format(instant, out));
  }

  private int format(Instant instant, char[] out) {
    long second = instant.getEpochSecond();
    Cached c = cached;
    if (c.epochSecond() != second) {
      c = new Cached(second, SECONDS.format(Instant.ofEpochSecond(second)));
      cached = c;
    }
    int millis = instant.getNano() / 1_000_000;
    String prefix = c.prefix();
    int i = prefix.length();
    // At most 31 characters: Instant.MAX is "+1000000000-12-31T23:59:59.999Z".
    prefix.getChars(0, i, out, 0);
    out[i] = '.';
    out[i + 1] = (char) ('0' + millis / 100);
    out[i + 2] = (char) ('0' + millis / 10 % 10);
    out[i + 3] = (char) ('0' + millis % 10);
    out[i + 4] = 'Z';
    return i + 5;
  }
}
