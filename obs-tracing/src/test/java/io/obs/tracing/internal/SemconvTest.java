// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SemconvTest {

  @Test
  void queryValuesAreRedactedAndKeysKept() {
    assertThat(Semconv.redactQuery("sku=sku-5&email=grace@example.org"))
        .isEqualTo("sku=REDACTED&email=REDACTED");
    assertThat(Semconv.redactQuery("flag&x=")).isEqualTo("REDACTED&x=REDACTED");
    assertThat(Semconv.redactQuery("jane@example.com")).isEqualTo("REDACTED");
    assertThat(Semconv.redactQuery("")).isEmpty();
    assertThat(Semconv.redactQuery("a=1&&b=2")).isEqualTo("a=REDACTED&&b=REDACTED");
  }

  @Test
  void methodsOutsideTheKnownSetBecomeOther() {
    assertThat(Semconv.method("GET")).isEqualTo("GET");
    assertThat(Semconv.method("get")).isEqualTo("GET");
    assertThat(Semconv.method("PROPFIND")).isEqualTo("_OTHER");
  }

  @Test
  void protocolVersions() {
    assertThat(Semconv.protocolVersion("HTTP/1.1")).isEqualTo("1.1");
    assertThat(Semconv.protocolVersion("HTTP/2.0")).isEqualTo("2.0");
    assertThat(Semconv.protocolVersion("HTTP_2")).isEqualTo("2");
  }
}
