// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaymentControllerTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PaymentController payments =
      new PaymentController(registry, new BigDecimal("500.00"));

  @Test
  void approvesUpToTheLimitAndCountsIt() {
    Map<String, Object> answer =
        payments.authorize("7", new BigDecimal("500.00"), "4111111111111111");

    assertThat(answer).containsEntry("order", "7").containsEntry("status", "approved");
    assertThat((String) answer.get("approval_code")).hasSize(8);
    assertThat(count("approved")).isEqualTo(1.0);
    assertThat(count("declined")).isZero();
  }

  @Test
  void declinesAboveTheLimitWithTheReason() {
    Map<String, Object> answer =
        payments.authorize("8", new BigDecimal("500.01"), "4111111111111111");

    assertThat(answer)
        .containsEntry("status", "declined")
        .containsEntry("reason", "amount above 500.00")
        .doesNotContainKey("approval_code");
    assertThat(count("declined")).isEqualTo(1.0);
    assertThat(count("approved")).isZero();
  }

  private double count(String result) {
    return registry.get("payments.authorizations").tag("result", result).counter().count();
  }
}
