// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import org.junit.jupiter.api.Test;

class TextLimitsTest {

  private final TextLimits limits =
      new TextLimits(
          Redactor.builder().addDetectors(Detectors.builtIn(Detectors.NAMES)).build(),
          100,
          "...[cut]");

  @Test
  void longTextIsCutAtTheLimitWithTheMarker() {
    String text = "x".repeat(250);
    assertThat(limits.clean(text)).isEqualTo("x".repeat(100) + "...[cut]");
  }

  @Test
  void shortTextIsReturnedAsIs() {
    String text = "fine";
    assertThat(limits.clean(text)).isSameAs(text);
  }

  @Test
  void hugeTextIsBoundedBeforeRedaction() {
    String text = "password=hunter2 " + "y".repeat(5_000_000);
    String cleaned = limits.clean(text);
    assertThat(cleaned).startsWith("password=**** ").endsWith("...[cut]").hasSize(108);
  }

  @Test
  void secretStraddlingTheLimitIsStillMasked() {
    String text = "z".repeat(90) + " 4111111111111111 tail";
    assertThat(limits.clean(text)).doesNotContain("4111").contains("****");
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String text = "a".repeat(99) + emoji + "rest";
    String cleaned = limits.clean(text);
    assertThat(cleaned).isEqualTo("a".repeat(99) + "...[cut]");
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() {
    assertThat(TextLimits.repairSurrogates("a\uD800b\uDC00c\uD83D\uDE00"))
        .isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00");
    assertThat(TextLimits.repairSurrogates("end\uD800")).isEqualTo("end\uFFFD");
  }

  @Test
  void cleanTextWithoutSurrogatesIsTheSameInstanceAndSurrogatesAreStillRepaired() {
    String plain = "User u-4711 placed order order_id=1234 for 3 items";
    assertThat(limits.clean(plain)).isSameAs(plain);
    assertThat(limits.clean("ok \uD83D\uDE00")).isEqualTo("ok \uD83D\uDE00");
    assertThat(limits.clean("bad \uD83D end")).isEqualTo("bad \uFFFD end");
    assertThat(limits.clean("mail a@example.com \uDE00")).isEqualTo("mail **** \uFFFD");
  }

  @Test
  void deniedFieldIsReplacedEvenWhenItLooksHarmless() {
    TextLimits denying =
        new TextLimits(
            Redactor.builder().addDenied(Redactor.DEFAULT_DENYLIST).build(), 100, "~");
    assertThat(denying.cleanField("Authorization", "Basic x")).isEqualTo("****");
    assertThat(denying.cleanField("user", "bob")).isEqualTo("bob");
  }
}
