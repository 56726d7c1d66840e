// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child process of {@link EndpointServerDescriptorsIT}: an application with its own JDK
 * {@code HttpServer} on one port and obs's endpoint server on another, run under a small {@code
 * ulimit -n}. Prints both ports, then runs until its standard input closes.
 */
public final class DescriptorLimitApp {

  private DescriptorLimitApp() {}

  public static void main(String[] args) throws IOException {
    HttpServer application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    application.createContext("/orders", exchange -> {
      byte[] body = "order 1".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    application.start();
    Readiness readiness = new Readiness();
    EndpointServerImpl endpoints = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2,
        16, 64, 8192, Duration.ofSeconds(Long.parseLong(args[0])), Duration.ofSeconds(30), null,
        null, "/healthz", "/readyz", Duration.ofSeconds(1), "limited"), readiness,
        OpenTelemetry.noop().getMeter("test"));
    endpoints.start();
    System.out.println("PORTS " + application.getAddress().getPort() + " " + endpoints.port());
    System.out.flush();
    while (System.in.read() != -1) {
      // Until the test closes our standard input.
    }
    endpoints.stop();
    application.stop(0);
  }
}
