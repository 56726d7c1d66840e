// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.obs.Observability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The opening example of docs/logs.md; {@code DocSnippetsTest} checks what it logs. */
final class Checkout {

  // tag::logs-quickstart[]
  private static final Logger log = LoggerFactory.getLogger(Checkout.class);

  public static void main(String[] args) {
    Observability.init();
    log.info("order {} placed", kv("order_id", 42));   // net.logstash.logback.argument.StructuredArguments.kv
  }
  // end::logs-quickstart[]

  /** The arguments main() logs with, for tests that encode the same event. */
  static Object[] arguments() {
    return new Object[] {kv("order_id", 42)};
  }

  private Checkout() {}
}
