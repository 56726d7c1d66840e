// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.it.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * A Spring MVC service on Tomcat with nothing of obs in its code: it calls inventory-service with
 * the {@code RestClient} Boot builds, counts orders on the {@code MeterRegistry} Boot injects, logs
 * a customer's e-mail address and audits asynchronously.
 */
@SpringBootApplication
@EnableAsync
@RestController
public class OrderApp {

  private static final Logger LOG = LoggerFactory.getLogger(OrderApp.class);

  private final RestClient inventory;
  private final RestTemplate legacy;
  private final String inventoryUrl;
  private final Counter placed;
  private final Auditor auditor;
  private final ObservationRegistry observations;

  OrderApp(RestClient.Builder http, RestTemplate legacy, MeterRegistry registry, Auditor auditor,
      ObservationRegistry observations, @Value("${inventory.url}") String inventoryUrl) {
    this.observations = observations;
    this.inventory = http.baseUrl(inventoryUrl).build();
    this.legacy = legacy;
    this.inventoryUrl = inventoryUrl;
    this.placed = Counter.builder("orders.placed").description("Orders placed.").register(registry);
    this.auditor = auditor;
  }

  @GetMapping("/orders/{id}")
  String order(@PathVariable("id") String id) {
    String stock = inventory.get().uri("/stock/{sku}", "sku-" + id).retrieve().body(String.class);
    // What Spring Data, Kafka or Security do inside: an Observation, which becomes a span.
    Observation.createNotStarted("order.pricing", observations)
        .lowCardinalityKeyValue("order.channel", "web")
        .observe(() -> placed.increment());
    LOG.info("order {} placed for jane.doe@example.com: {}", id, stock);
    auditor.audit(id);
    return "order " + id + ": " + stock;
  }

  /** The same call through an older client: a {@code RestTemplate} the application declares. */
  @GetMapping("/legacy/{id}")
  String legacy(@PathVariable("id") String id) {
    String stock = legacy.getForObject(inventoryUrl + "/stock/{sku}", String.class, "sku-" + id);
    LOG.info("legacy order {} checked: {}", id, stock);
    return "legacy " + id + ": " + stock;
  }

  @Bean
  static RestTemplate restTemplate() {
    return new RestTemplate();
  }

  @GetMapping("/prices/{sku}")
  String price(@PathVariable("sku") String sku) {
    return "9.99";
  }

  public static void main(String[] args) {
    SpringApplication.run(OrderApp.class, args);
  }
}
