// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.payment;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Authorizes a payment: approved up to {@code payment.decline-above} (application.yml), declined
 * above it. A decline is an ordinary answer (200 with {@code "status":"declined"}), as payment
 * gateways give it, so it is no error in the trace; only a failure of the service is.
 */
@RestController
public class PaymentController {

  private static final Logger LOG = LoggerFactory.getLogger(PaymentController.class);

  private final BigDecimal declineAbove;
  private final Counter approved;
  private final Counter declined;

  /** The {@code MeterRegistry} Boot injects is obs's: these counters are on obs's /metrics. */
  public PaymentController(
      MeterRegistry registry, @Value("${payment.decline-above}") BigDecimal declineAbove) {
    this.declineAbove = declineAbove;
    this.approved = authorizations(registry, "approved");
    this.declined = authorizations(registry, "declined");
  }

  private static Counter authorizations(MeterRegistry registry, String result) {
    return Counter.builder("payments.authorizations")
        .description("Payment authorizations by result.")
        .tag("result", result)
        .register(registry);
  }

  @GetMapping("/payments/authorize")
  public Map<String, Object> authorize(
      @RequestParam("order") String order,
      @RequestParam("amount") BigDecimal amount,
      @RequestParam("card") String card) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("order", order);
    answer.put("amount", amount);
    if (amount.compareTo(declineAbove) > 0) {
      declined.increment();
      String reason = "amount above " + declineAbove.toPlainString();
      // The card number is logged as it arrives: obs's redaction masks it before the line is
      // written or exported, which is what the demo shows.
      LOG.atInfo()
          .addKeyValue("order.id", order)
          .addKeyValue("payment.card", card)
          .addKeyValue("payment.amount", amount.toPlainString())
          .addKeyValue("reason", reason)
          .log("payment declined");
      answer.put("status", "declined");
      answer.put("reason", reason);
      return answer;
    }
    approved.increment();
    // Not "authorization": obs's redaction denylist masks fields of that name (HTTP's header).
    String approvalCode = UUID.randomUUID().toString().substring(0, 8);
    LOG.atInfo()
        .addKeyValue("order.id", order)
        .addKeyValue("payment.card", card)
        .addKeyValue("payment.amount", amount.toPlainString())
        .addKeyValue("payment.approval_code", approvalCode)
        .log("payment authorized");
    answer.put("status", "approved");
    answer.put("approval_code", approvalCode);
    return answer;
  }
}
