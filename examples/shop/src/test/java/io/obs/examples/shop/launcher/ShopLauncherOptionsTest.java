// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        .isEqualTo(new ShopLauncher.Options(false, 30, false, false));
    assertThat(ShopLauncher.Options.parse("--no-load", "--duration", "5"))
        .isEqualTo(new ShopLauncher.Options(false, 5, false, false));
  }

  @Test
  void syscallsAndHelpAreOptIn() {
    assertThat(ShopLauncher.Options.parse().syscalls()).isFalse();
    assertThat(ShopLauncher.Options.parse("--syscalls").syscalls()).isTrue();
    assertThat(ShopLauncher.Options.parse("--no-load", "--help").help()).isTrue();
    assertThat(ShopLauncher.USAGE).contains("--syscalls", "ORDER_OBS_PORT", "PAYMENT_PORT");
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

  @Test
  void paymentJarIsFoundBesideTheExampleModule(@TempDir Path examples) throws Exception {
    Path jar = jar(examples.resolve("shop-payment/target/payment-service.jar"));

    assertThat(ShopLauncher.paymentJar(Map.of(), examples.resolve("shop"), Path.of("/nowhere")))
        .isEqualTo(jar);
  }

  @Test
  void paymentJarIsFoundUnderTheWorkingDirectoryWhenTheModuleIsUnknown(@TempDir Path repo)
      throws Exception {
    Path jar = jar(repo.resolve("examples/shop-payment/target/payment-service.jar"));

    assertThat(ShopLauncher.paymentJar(Map.of(), null, repo)).isEqualTo(jar);
  }

  @Test
  void shopPaymentJarVariableWinsAndMustNameAFile(@TempDir Path dir) throws Exception {
    jar(dir.resolve("examples/shop-payment/target/payment-service.jar"));
    Path mine = jar(dir.resolve("mine.jar"));

    assertThat(ShopLauncher.paymentJar(Map.of("SHOP_PAYMENT_JAR", "mine.jar"), null, dir))
        .isEqualTo(mine);
    assertThatThrownBy(
            () -> ShopLauncher.paymentJar(Map.of("SHOP_PAYMENT_JAR", "gone.jar"), null, dir))
        .hasMessageContaining("SHOP_PAYMENT_JAR")
        .hasMessageContaining("gone.jar");
  }

  @Test
  void missingPaymentJarNamesTheBuildCommandAndTheVariable(@TempDir Path dir) {
    assertThatThrownBy(() -> ShopLauncher.paymentJar(Map.of(), dir.resolve("shop"), dir))
        .hasMessageContaining("-pl examples/shop -am install")
        .hasMessageContaining("SHOP_PAYMENT_JAR");
  }

  private static Path jar(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[] {'P', 'K'});
  }
}
