// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests carrying a 300 KB {@code User-Agent} against a service with a 96 MB heap whose OTLP
 * backend never answers: before attribute limits and the span queue's byte budget, the spans
 * filled the count-bounded queue until the heap ran out. Now the service keeps answering, its
 * heap stays well under the limit, and the spans beyond the budget are dropped and counted.
 */
class HeaderFloodIT {

  @Test
  void hugeHeadersAgainstADeadBackendDoNotExhaustTheHeap() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          for (int i = 0; i < 100; i++) {
            held.add(blackhole.accept());
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      }, "blackhole");
      acceptor.setDaemon(true);
      acceptor.start();
      ProcessBuilder builder = new ProcessBuilder(
          ProcessHandle.current().info().command().orElse("java"), "-Xmx96m",
          "-cp", System.getProperty("java.class.path"), HeaderFloodApp.class.getName());
      builder.environment().keySet().removeIf(k -> k.startsWith("OBS_") || k.startsWith("OTEL_"));
      builder.environment().put("OTEL_SERVICE_NAME", "flood");
      builder.environment().put("OTEL_TRACES_EXPORTER", "otlp");
      builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT",
          "http://127.0.0.1:" + blackhole.getLocalPort());
      builder.environment().put("OTEL_EXPORTER_OTLP_TIMEOUT", "30000");
      builder.environment().put("OBS_SERVER_ENABLED", "false");
      builder.environment().put("OBS_SHUTDOWN_TIMEOUT", "1s");
      Process app = builder.redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(
            new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        String line;
        int port = -1;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("PORT ")) {
            port = Integer.parseInt(line.substring(5));
            break;
          }
        }
        assertThat(port).as("the child started").isPositive();
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
        drain.setDaemon(true);
        drain.start();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String agent = "a".repeat(300_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        int sent = 0;
        for (; sent < 400 && System.nanoTime() < deadline; sent++) {
          HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/hello"))
              .header("User-Agent", agent).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).isEqualTo(200);
        }
        long heap = Long.parseLong(client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/heap")).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        System.out.println("HeaderFloodIT: " + sent + " requests with a 300 KB User-Agent, heap "
            + heap / (1024 * 1024) + " MB used of 96 MB after a collection");

        // 200 spans with the header whole would be 120 MB: more than the heap.
        assertThat(sent).isGreaterThanOrEqualTo(200);
        assertThat(app.isAlive()).isTrue();
        assertThat(heap).isLessThan(64L * 1024 * 1024);
      } finally {
        app.getOutputStream().close();
        if (!app.waitFor(20, TimeUnit.SECONDS)) {
          app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }
}
