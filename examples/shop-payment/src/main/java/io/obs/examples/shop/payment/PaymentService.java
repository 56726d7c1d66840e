// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.payment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * payment-service: {@code GET /payments/authorize?order=..&amount=..&card=..} on {@code
 * server.port} (8082 in {@code application.yml}). Nothing here mentions obs: the starter on the
 * class path gives it JSON logs, the server span, the metrics and obs's endpoint server.
 */
@SpringBootApplication
public class PaymentService {

  public static void main(String[] args) throws InterruptedException {
    // Installed before Boot starts, so a Ctrl-C during start-up is a stop request too.
    LauncherStop stop = LauncherStop.installWhenLaunched();
    ConfigurableApplicationContext context = SpringApplication.run(PaymentService.class, args);
    if (stop != null) {
      stop.await();
      System.exit(SpringApplication.exit(context));
    }
  }
}
