// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * The application every variant of the Spring Boot benchmark runs, compiled once per variant from
 * this one source: a Spring MVC route that does what a typical handler does (one downstream HTTP
 * call, one counter, one log line with a structured field, a JSON body), with nothing about
 * telemetry in its code. Which telemetry it gets is decided by the variant's dependencies alone.
 */
@SpringBootApplication
@RestController
public class BenchApp {

  private static final Logger LOG = LoggerFactory.getLogger(BenchApp.class);

  private final RestClient prices;
  private final Counter orders;

  BenchApp(RestClient.Builder http, ObjectProvider<MeterRegistry> registry,
      @Value("${server.port}") int port) {
    // The downstream service is this same process, so that every variant pays for the second
    // server request (and its span) the same way, without a third JVM competing for two cores.
    this.prices = http.baseUrl("http://127.0.0.1:" + port).build();
    // Without telemetry Boot declares no MeterRegistry; Micrometer's global registry then stands in
    // as what a library's counter costs when nothing collects it.
    this.orders = Counter.builder("bench.orders")
        .description("Orders priced.")
        .register(registry.getIfAvailable(() -> Metrics.globalRegistry));
  }

  /** The measured route. */
  @GetMapping("/orders/{id}")
  Order order(@PathVariable("id") String id) {
    String sku = "sku-" + id;
    String price = prices.get().uri("/prices/{sku}", sku).retrieve().body(String.class);
    orders.increment();
    LOG.atInfo().addKeyValue("order_id", id).log("order priced");
    return new Order(id, sku, price);
  }

  /** The downstream route the measured one calls. */
  @GetMapping("/prices/{sku}")
  String price(@PathVariable("sku") String sku) {
    return "9.99";
  }

  /** The response body, written as JSON by Spring MVC's Jackson converter. */
  record Order(String id, String sku, String price) {}

  public static void main(String[] args) {
    SpringApplication.run(BenchApp.class, args);
  }
}
