// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: {@code /healthz} keeps answering within 100 ms while several clients scrape {@code
 * /metrics} in a tight loop and the application keeps every core busy; the server's rejections
 * show on {@code /metrics}.
 */
class EndpointUnderLoadIT {

  private static final int SCRAPERS = 4;
  private static final Duration LOAD = Duration.ofSeconds(6);

  /**
   * Up to three attempts: the build machine is shared, and a neighbour that takes the cores
   * delays any server, and the probing thread, as much as obs's. Each probe of {@code /healthz}
   * is paired with one of a control, the fastest server there is (a thread blocked in {@code
   * accept} that answers at once), in the same JVM under the same load and garbage collections.
   * A {@code /healthz} 99th percentile of 100 ms or more fails at once if the control's was under
   * 25 ms (the machine was quiet, so obs was slow); otherwise the attempt is printed and repeated.
   */
  @Test
  void healthzAnswersWithin100MsWhileMetricsIsScrapedInATightLoopAtSaturation()
      throws Exception {
    try (TestApp app = TestApp.start(Map.of("server.max_connections", "8",
        "server.header_timeout", "1s"));
        ServerSocket control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread controlThread = thread("control", () -> {
        while (!control.isClosed()) {
          try (Socket socket = control.accept()) {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            int matched = 0;
            while (matched < 4) {
              int b = in.read();
              if (b < 0) {
                break;
              }
              matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          } catch (IOException e) {
            // Closed at the end of the test, or a probe that gave up.
          }
        }
        return 0;
      });
      controlThread.start();
      for (int i = 0; i < 50; i++) {
        app.request("/orders/{id}", 200, 0.01 * i);
      }
      for (int attempt = 1; attempt <= 3; attempt++) {
        Measured measured = underLoad(app, control.getLocalPort());
        double p99 = percentile(measured.health, 99);
        double controlP99 = percentile(measured.control, 99);
        System.out.printf("scrape loop, attempt %d: %d scrapers did %d scrapes (%d not 200) in"
            + " %d s while %d application threads ran on %d cores; /healthz %d probes, p50 %.2f"
            + " ms, p99 %.2f ms, max %.2f ms; control server p50 %.2f ms, p99 %.2f ms; load"
            + " average %s%n", attempt, SCRAPERS, measured.scrapes, measured.scrapeFailures,
            LOAD.toSeconds(), measured.appThreads, Runtime.getRuntime().availableProcessors(),
            measured.health.size(), percentile(measured.health, 50), p99,
            percentile(measured.health, 100), percentile(measured.control, 50), controlP99,
            loadAverage());
        assertThat(measured.scrapeFailures).isZero();
        if (p99 < 100) {
          assertThat(measured.scrapes).as("the scrapers were served")
              .isGreaterThan(SCRAPERS * 5L);
          assertThat(measured.health.size()).isGreaterThan(50);
          return;
        }
        assertThat(controlP99).as("/healthz p99 was %.1f ms while the control's was", p99)
            .isGreaterThanOrEqualTo(25);
        System.out.println("scrape loop: attempt " + attempt + " spoiled by a busy machine");
      }
      assumeTrue(false, "the machine was too busy for three attempts to measure /healthz");
    }
  }

  private record Measured(List<Double> health, List<Double> control, long scrapes,
      long scrapeFailures, int appThreads) {}

  private static Measured underLoad(TestApp app, int controlPort) throws Exception {
    int port = app.port;
    AtomicBoolean running = new AtomicBoolean(true);
    long deadline = System.nanoTime() + LOAD.toNanos();
    List<Thread> load = new ArrayList<>();
    // One busy thread per core: every core is taken, as in an application at saturation.
    int appThreads = Runtime.getRuntime().availableProcessors();
    AtomicLong work = new AtomicLong();
    for (int i = 0; i < appThreads; i++) {
      // The application at saturation: every core busy recording telemetry and computing.
      load.add(thread("app-" + i, () -> {
        double sink = 0;
        while (running.get() && System.nanoTime() < deadline) {
          app.request("/orders/{id}", 200, 0.042);
          for (int k = 0; k < 10_000; k++) {
            sink += Math.sqrt(k);
          }
          work.incrementAndGet();
        }
        return sink;
      }));
    }
    AtomicLong scrapes = new AtomicLong();
    AtomicLong scrapeFailures = new AtomicLong();
    for (int i = 0; i < SCRAPERS; i++) {
      load.add(thread("scraper-" + i, () -> {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .build();
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics"))
            .header("Accept", "application/openmetrics-text;version=1.0.0")
            .timeout(Duration.ofSeconds(10)).build();
        while (running.get() && System.nanoTime() < deadline) {
          HttpResponse<byte[]> response =
              client.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (response.statusCode() == 200 && response.body().length > 1000) {
            scrapes.incrementAndGet();
          } else {
            scrapeFailures.incrementAndGet();
          }
        }
        return 0;
      }));
    }
    load.forEach(Thread::start);
    List<Double> health = new ArrayList<>();
    List<Double> control = new ArrayList<>();
    String probe = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    try {
      Thread.sleep(1000); // let the scrapers get going and the JIT compile the server's code
      while (System.nanoTime() < deadline - TimeUnit.MILLISECONDS.toNanos(200)) {
        long start = System.nanoTime();
        String answer = exchange(port, probe);
        health.add((System.nanoTime() - start) / 1e6);
        assertThat(answer).startsWith("HTTP/1.1 200 ");
        Thread.sleep(10);
        start = System.nanoTime();
        assertThat(exchange(controlPort, probe)).startsWith("HTTP/1.1 200 ");
        control.add((System.nanoTime() - start) / 1e6);
        Thread.sleep(10);
      }
    } finally {
      running.set(false);
      for (Thread thread : load) {
        thread.join(15_000);
      }
    }
    assertThat(work.get()).as("the application ran").isPositive();
    return new Measured(health, control, scrapes.get(), scrapeFailures.get(), appThreads);
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Test
  void rejectionsAndTimeoutsAreOnMetrics() throws Exception {
    try (TestApp app = TestApp.start(Map.of("server.max_connections", "4",
        "server.header_timeout", "300ms"))) {
      int port = app.port;
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          Socket socket = new Socket();
          socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          silent.add(socket);
        }
        // 4 take the connection slots and time out; the other 8 are turned away with a 503.
        for (Socket socket : silent) {
          socket.setSoTimeout(5000);
          readAll(socket.getInputStream());
        }
      } finally {
        for (Socket socket : silent) {
          socket.close();
        }
      }
      String metrics = exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(count(metrics, "rejected")).isGreaterThanOrEqualTo(8);
      assertThat(count(metrics, "timeout")).isGreaterThanOrEqualTo(4);
      assertThat(metrics).containsPattern("(?m)^obs_server_connections\\{.*} [0-9]");
    }
  }

  private static double count(String metrics, String outcome) {
    Matcher line = Pattern.compile("(?m)^obs_server_requests_total\\{[^}]*outcome=\"" + outcome
        + "\"[^}]*} ([0-9.eE+]+)").matcher(metrics);
    assertThat(line.find()).as("obs_server_requests_total{outcome=%s} in\n%s", outcome,
        metrics.lines().filter(l -> l.startsWith("obs_server")).toList()).isTrue();
    return Double.parseDouble(line.group(1));
  }

  @FunctionalInterface
  private interface Work {
    Object run() throws Exception;
  }

  private static Thread thread(String name, Work work) {
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, name);
    thread.setDaemon(true);
    return thread;
  }

  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = in.read(buffer)) != -1) {
        out.write(buffer, 0, read);
      }
    } catch (java.net.SocketException reset) {
      // What arrived before the reset still counts.
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
