// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void safeIncomingIdsAreKeptAndUnsafeOnesReplaced() {
    assertThat(RequestIds.acceptOrGenerate("abc-123_x.y:z/+=")).isEqualTo("abc-123_x.y:z/+=");
    assertThat(RequestIds.acceptOrGenerate("jane.doe@example.com")).isNotEqualTo("jane.doe@example.com")
        .matches("[0-9a-f-]{36}");
    assertThat(RequestIds.acceptOrGenerate("  padded  ")).isEqualTo("padded");
    for (String bad : new String[] {null, "", "   ", "a b", "x\r\nSet-Cookie: y", "{\"json\":1}",
        "a".repeat(129), "\u00e9"}) {
      String id = RequestIds.acceptOrGenerate(bad);
      assertThat(id).isNotEqualTo(bad).hasSize(36);
    }
  }

  @Test
  void generatedIdsAreVersion4UuidsAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestIds.generate();
      assertThat(java.util.UUID.fromString(id).version()).isEqualTo(4);
      assertThat(java.util.UUID.fromString(id).variant()).isEqualTo(2);
      seen.add(id);
    }
    assertThat(seen).hasSize(10_000);
  }
}
