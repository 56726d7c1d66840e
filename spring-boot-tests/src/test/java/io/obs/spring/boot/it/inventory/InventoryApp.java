// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.it.inventory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * A WebFlux service on Netty with nothing of obs in its code: it asks order-service for a price
 * with the {@code WebClient} Boot builds and logs inside the reactive pipeline.
 */
@SpringBootApplication
@RestController
public class InventoryApp {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryApp.class);

  private final WebClient orders;

  InventoryApp(WebClient.Builder http, @Value("${orders.url}") String ordersUrl) {
    this.orders = http.baseUrl(ordersUrl).build();
  }

  @GetMapping("/stock/{sku}")
  Mono<String> stock(@PathVariable("sku") String sku) {
    return orders.get().uri("/prices/{sku}", sku).retrieve().bodyToMono(String.class)
        .map(price -> {
          LOG.info("stock of {} checked for john.roe@example.com at {}", sku, price);
          return "3 in stock at " + price;
        });
  }

  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(InventoryApp.class);
    application.setWebApplicationType(WebApplicationType.REACTIVE);
    application.run(args);
  }
}
