// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The other half of "nothing else changes": with {@code OTEL_TRACES_EXPORTER=otlp} and {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} the same launcher sends all three services' spans (and, with an
 * endpoint set, their log records) as OTLP/HTTP protobuf, payment-service's through obs's Spring
 * Boot starter included; with {@code --duration} and the default traffic it stops by itself and
 * exits 0. The receiver is a plain loopback HTTP server that records what
 * arrives.
 */
class ShopOtlpIT {

  @Test
  void otlpVariablesSendAllServicesSpansAndLogsAndDurationStopsCleanly() throws Exception {
    Map<String, List<byte[]>> received = new ConcurrentHashMap<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    receiver.createContext("/", exchange -> {
      try (exchange) {
        received.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
            .add(exchange.getRequestBody().readAllBytes());
        // An empty ExportServiceResponse is a valid, complete success.
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      }
    });
    receiver.start();
    List<String> output = new CopyOnWriteArrayList<>();
    try {
      Path shopJar = Path.of(System.getProperty("obs.shop.jar", "target/shop-launcher.jar"));
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar", shopJar.toString(), "--duration", "25")
              .redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      for (String port : List.of("ORDER_PORT", "ORDER_OBS_PORT", "INVENTORY_PORT",
          "INVENTORY_GRPC_PORT", "INVENTORY_OBS_PORT", "PAYMENT_PORT", "PAYMENT_OBS_PORT")) {
        env.put(port, Integer.toString(freePort()));
      }
      env.put("OTEL_TRACES_EXPORTER", "otlp");
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT",
          "http://127.0.0.1:" + receiver.getAddress().getPort());
      env.put("OBS_TRACES_BATCH_SCHEDULE_DELAY", "200ms");
      env.remove("OBS_CONFIG");
      Process shop = builder.start();
      Thread pump = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(shop.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            output.add(line);
          }
        } catch (IOException e) {
          // gone
        }
      }, "shop-otlp-it-pump");
      pump.setDaemon(true);
      pump.start();

      boolean exited = shop.waitFor(150, TimeUnit.SECONDS);
      if (!exited) {
        shop.destroyForcibly();
      }
      pump.join(5_000);

      assertThat(exited).as("--duration 25 stops the launcher").isTrue();
      assertThat(shop.exitValue()).as(String.join("\n", output)).isZero();
      assertThat(output).anyMatch(l -> l.contains("all three services stopped cleanly"));
      List<byte[]> traces = received.getOrDefault("/v1/traces", List.of());
      assertThat(traces).as("OTLP trace requests").isNotEmpty();
      assertThat(containsText(traces, "order-service")).isTrue();
      assertThat(containsText(traces, "inventory-service")).isTrue();
      assertThat(containsText(traces, "shop.Inventory/Reserve")).isTrue();
      assertThat(containsText(traces, "payment-service")).isTrue();
      assertThat(containsText(traces, "GET /payments/authorize")).isTrue();
      assertThat(containsText(traces, "@example.")).as("no e-mail in exported spans").isFalse();
      // The launcher's load pays with the test card number; it must not leave the services.
      assertThat(containsText(traces, "4111111111111111")).as("no card in exported spans").isFalse();
      List<byte[]> logs = received.getOrDefault("/v1/logs", List.of());
      assertThat(containsText(logs, "order placed")).as("OTLP log records").isTrue();
      assertThat(containsText(logs, "payment authorized")).as("payment-service's log records")
          .isTrue();
      assertThat(containsText(logs, "@example.")).as("no e-mail in exported logs").isFalse();
      assertThat(containsText(logs, "4111111111111111")).as("no card in exported logs").isFalse();
    } finally {
      receiver.stop(0);
    }
  }

  private static boolean containsText(List<byte[]> bodies, String text) {
    for (byte[] body : bodies) {
      // Protobuf keeps strings as plain UTF-8 bytes, so names are found without decoding.
      if (new String(body, StandardCharsets.ISO_8859_1)
          .contains(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
