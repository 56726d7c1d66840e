// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShopLauncherOptionsTest {

  @Test
  void noArgumentsMeansLoadAndNoDuration() {
    ShopLauncher.Options options = ShopLauncher.Options.parse();

    assertThat(options.load()).isTrue();
    assertThat(options.durationSeconds()).isZero();
  }

  @Test
  void noLoadAndDurationAreReadInAnyOrder() {
    assertThat(ShopLauncher.Options.parse("--duration", "30", "--no-load"))
        .isEqualTo(new ShopLauncher.Options(false, 30));
    assertThat(ShopLauncher.Options.parse("--no-load", "--duration", "5"))
        .isEqualTo(new ShopLauncher.Options(false, 5));
  }

  @Test
  void unknownOptionNamesTheValidOnes() {
    assertThatThrownBy(() -> ShopLauncher.Options.parse("--nolaod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--nolaod")
        .hasMessageContaining("--no-load");
  }

  @Test
  void durationNeedsAPositiveNumber() {
    assertThatThrownBy(() -> ShopLauncher.Options.parse("--duration"))
        .hasMessageContaining("needs a number");
    assertThatThrownBy(() -> ShopLauncher.Options.parse("--duration", "0"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> ShopLauncher.Options.parse("--duration", "soon"))
        .isInstanceOf(NumberFormatException.class);
  }
}
