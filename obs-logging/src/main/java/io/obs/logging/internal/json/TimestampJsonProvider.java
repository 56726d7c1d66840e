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

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years written as four plain digits. */
  private static final long FIRST_PLAIN_SECOND = -62_135_596_800L;

  private static final long LAST_PLAIN_SECOND = 253_402_300_799L;

  private final JsonName fieldName;
  private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

  private record Cached(long epochSecond, String prefix) {}

  public TimestampJsonProvider(String fieldName) {
    this.fieldName = new JsonName(fieldName);
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    char[] out = BUFFER.get();
    int length = format(event.getInstant(), out);
    fieldName.write(generator);
    generator.writeString(out, 0, length);
  }

  // One buffer per writing thread: the generator copies the characters, so no String is made.
  private static final ThreadLocal<char[]> BUFFER =
      new ThreadLocal<>() {
        @Override
        protected char[] initialValue() {
          return new char[32];
        }
      };

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
  public String format(Instant instant) {
    char[] out = new char[32];
    return new String(out, 0, format(instant, out));
  }

  private int format(Instant instant, char[] out) {
    long second = instant.getEpochSecond();
    Cached c = cached;
    if (c.epochSecond() != second) {
      c = new Cached(second, seconds(second));
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

  /**
   * {@code yyyy-MM-ddTHH:mm:ss} of an epoch second in UTC. Computed by hand (days to civil date,
   * as in Howard Hinnant's {@code civil_from_days}) for years 1 to 9999 — every real timestamp —
   * because a {@code DateTimeFormatter} pulls in the locale machinery at start-up, which showed in
   * the time of the first log line. Other years go through the formatter, which writes them in its
   * own way ({@code +10000}, years of era before year 1).
   */
  static String seconds(long epochSecond) {
    if (epochSecond < FIRST_PLAIN_SECOND || epochSecond > LAST_PLAIN_SECOND) {
      return FarYears.FORMATTER.format(Instant.ofEpochSecond(epochSecond));
    }
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    long shifted = days + 719_468L; // days since 0000-03-01
    long era = Math.floorDiv(shifted, 146_097L);
    long dayOfEra = shifted - era * 146_097L;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthFromMarch = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
    int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    char[] out = new char[19];
    digits(out, 0, year, 4);
    out[4] = '-';
    digits(out, 5, month, 2);
    out[7] = '-';
    digits(out, 8, day, 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    return new String(out);
  }

  private static void digits(char[] out, int at, int value, int width) {
    int v = value;
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  }

  /** The formatter for years outside 1–9999, created only if such a timestamp is ever seen. */
  private static final class FarYears {
    static final DateTimeFormatter FORMATTER =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private FarYears() {}
  }
}
