// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

// tag::quickstart[]
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.obs.Observability;
import io.obs.metrics.MetricFamily;
import io.obs.metrics.ObsMetrics;
import io.obs.tracing.Spans;
import io.obs.tracing.http.ObsHttpServerFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class QuickStart {
  private static final Logger LOG = LoggerFactory.getLogger(QuickStart.class);

  public static void main(String[] args) throws Exception {
    Observability obs = Observability.init();                       // logs, metrics, traces

    MetricFamily<Counter> greetings =
        obs.component(ObsMetrics.class).orElseThrow().counter("greetings", "language");

    HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
    server.createContext("/hello", exchange -> {
      String name = Spans.call("pick-name", () -> "world");           // a child span
      greetings.labels("en").increment();                             // greetings_total{language="en"}
      LOG.atInfo().addKeyValue("name", name).log("said hello");      // JSON, with trace_id
      byte[] body = ("hello, " + name + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    }).getFilters().add(ObsHttpServerFilter.builder(obs).setRoutes("/hello").build());
    server.start();
  }
}
// end::quickstart[]
