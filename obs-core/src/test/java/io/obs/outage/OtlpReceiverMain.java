// SPDX-License-Identifier: Apache-2.0
package io.obs.outage;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real OTLP/HTTP trace receiver in a process of its own, so that a test can pause it (SIGSTOP),
 * kill it and start it again: {@code POST /v1/traces} counts the spans, {@code GET /count} says
 * how many arrived. Ends when its standard input closes.
 */
public final class OtlpReceiverMain {

  private OtlpReceiverMain() {}

  public static void main(String[] args) throws Exception {
    AtomicLong spans = new AtomicLong();
    HttpServer server = HttpServer.create(
        new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/traces", exchange -> {
      ExportTraceServiceRequest request =
          ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
      long n = request.getResourceSpansList().stream()
          .flatMap(rs -> rs.getScopeSpansList().stream())
          .mapToLong(ss -> ss.getSpansCount()).sum();
      spans.addAndGet(n);
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.flush();
      }
    });
    server.createContext("/count", exchange -> {
      byte[] body = Long.toString(spans.get()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    System.out.println("LISTENING");
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the test to close our input
    }
    server.stop(0);
    System.exit(0);
  }
}
