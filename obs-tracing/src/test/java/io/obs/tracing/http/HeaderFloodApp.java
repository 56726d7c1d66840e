// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
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
      // The heap as the collector recorded it right after the collection: the current use would
      // also count what the exporter threads allocated since.
      System.gc();
      long used = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        MemoryUsage afterGc = pool.getCollectionUsage();
        if (pool.getType() == MemoryType.HEAP && afterGc != null) {
          used += afterGc.getUsed();
        }
      }
      byte[] body = Long.toString(used).getBytes(StandardCharsets.UTF_8);
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
