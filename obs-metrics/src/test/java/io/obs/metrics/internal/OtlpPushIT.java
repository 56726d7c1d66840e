// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code metrics.exporter: both}, Micrometer meters are pushed over OTLP/HTTP by Micrometer's
 * registry and OpenTelemetry instruments by obs-core, to the same loopback receiver; the endpoint
 * still serves /metrics.
 */
class OtlpPushIT {

  private HttpServer receiver;
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/v1/metrics",
        exchange -> {
          try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if ("gzip".equalsIgnoreCase(encoding)) {
              try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readAllBytes();
              }
            }
            // Protobuf carries strings as raw UTF-8, so names and values can be searched.
            bodies.add(new String(raw, StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private boolean received(String text) {
    return bodies.stream().anyMatch(b -> b.contains(text));
  }

  @Test
  void bothPushesMicrometerAndOpenTelemetryMetricsAndKeepsTheEndpoint() throws Exception {
    String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
    try (TestApp app =
        TestApp.start(
            Map.of(
                "metrics.exporter", "both",
                "metrics.export_interval", "1s",
                "exporter.endpoint", endpoint,
                "exporter.compression", "gzip",
                "traces.exporter", "none",
                "logs.exporter", "none"))) {
      app.request("/orders/{id}", 200, 0.042);

      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      int polls = 0;
      while (Instant.now().isBefore(deadline)
          && polls++ < 300
          && !(received("orders.placed") && received("http.server.request.duration"))) {
        Thread.sleep(100);
      }

      assertThat(received("orders.placed")).as("Micrometer counter pushed").isTrue();
      assertThat(received("http.server.request.duration")).as("OTel histogram pushed").isTrue();
      assertThat(received("checkout")).as("service.name resource attribute").isTrue();
      assertThat(app.obs.component(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class))
          .isPresent();
    }
  }
}
