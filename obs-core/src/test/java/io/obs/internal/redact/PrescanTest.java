// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrescanTest {

  @Test
  void surrogatesAreFlaggedSoTheRepairPassRunsOnlyForThem() {
    assertThat(Prescan.scan("smile \uD83D\uDE00")).isEqualTo(Prescan.SURROGATE);
    assertThat(Prescan.scan("lone \uDE00 then a@b")).isEqualTo(Prescan.SURROGATE | Prescan.AT);
    assertThat(Prescan.scan("caf\u00e9 \u4e2d\u6587")).isZero();
  }

  @Test
  void ordinaryLineSetsNoFlag() {
    assertThat(Prescan.scan("User 42 placed order order_id=1234 for 3 items")).isZero();
    assertThat(Prescan.scan("trace 4bf92f3577b34da6a3ce929d0e0e4736")).isZero();
  }

  @Test
  void eachDetectorHasItsFlag() {
    assertThat(Prescan.scan("a@b")).isEqualTo(Prescan.AT);
    assertThat(Prescan.scan("call +1")).isEqualTo(Prescan.PHONE);
    assertThat(Prescan.scan("415-555")).isEqualTo(Prescan.PHONE);
    assertThat(Prescan.scan("4111 1111 1111 1")).isEqualTo(Prescan.CARD);
    assertThat(Prescan.scan("4111111111111")).isEqualTo(Prescan.CARD);
    assertThat(Prescan.scan("Bearer")).isEqualTo(Prescan.BEARER);
    assertThat(Prescan.scan("xeyJz")).isEqualTo(Prescan.JWT);
    assertThat(Prescan.scan("DB_PASSWORD = x")).isEqualTo(Prescan.SECRET_PAIR);
    assertThat(Prescan.scan("{\"api_key\": 1")).isEqualTo(Prescan.SECRET_PAIR);
  }

  @Test
  void cardRunIsBrokenByLettersAndDoubleSeparators() {
    assertThat(Prescan.scan("411111111111x1") & Prescan.CARD).isZero();
    assertThat(Prescan.scan("4111111  111111") & Prescan.CARD).isZero();
  }
}
