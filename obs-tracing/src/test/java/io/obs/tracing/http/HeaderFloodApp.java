// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of {@link HeaderFloodIT}: a small heap, an HTTP route under obs's server filter,
 * and an OTLP backend that accepts connections and never answers (configured by the test).
 * {@code /heap} reports the used heap after a collection.
 */
public final class HeaderFloodApp {

  private HeaderFloodApp() {}

  public static void main(String[] args) throws Exception {
    Observability obs = Observability.init();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/hello", exchange -> {
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    }).getFilters().add(ObsHttpServerFilter.create(obs));
    server.createContext("/heap", exchange -> {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      System.gc();
      byte[] body = Long.toString(memory.getHeapMemoryUsage().getUsed())
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (exchange) {
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    System.out.println("PORT " + server.getAddress().getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // until the test closes our input
    }
    System.exit(0);
  }
}
