// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampJsonProviderTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private static void assertLikeTheFormatter(long epochSecond) {
    assertThat(TimestampJsonProvider.seconds(epochSecond))
        .as("epoch second %d", epochSecond)
        .isEqualTo(REFERENCE.format(Instant.ofEpochSecond(epochSecond)));
  }

  @Test
  void secondsAreWrittenAsTheFormatterWritesThem() {
    for (String boundary :
        new String[] {
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59Z",
          "2000-02-29T12:34:56Z",
          "2100-03-01T00:00:00Z",
          "1900-02-28T23:59:59Z",
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59Z"
        }) {
      assertLikeTheFormatter(Instant.parse(boundary).getEpochSecond());
    }
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      // Any second of the years 1 to 9999.
      assertLikeTheFormatter(
          -62_135_596_800L + Math.floorMod(random.nextLong(), 315_537_897_600L));
    }
  }

  @Test
  void yearsOutsideOneToNineThousandNineHundredNinetyNineAreTheFormattersToo() {
    assertLikeTheFormatter(Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond());
    assertLikeTheFormatter(Instant.parse("0000-06-01T10:00:00Z").getEpochSecond());
    assertLikeTheFormatter(Instant.parse("-0042-06-01T10:00:00Z").getEpochSecond());
  }

  @Test
  void theFullTimestampHasMillisecondsAndZ() {
    assertThat(new TimestampJsonProvider("t").format(Instant.parse("2026-01-31T12:00:00.1239Z")))
        .isEqualTo("2026-01-31T12:00:00.123Z");
  }
}
