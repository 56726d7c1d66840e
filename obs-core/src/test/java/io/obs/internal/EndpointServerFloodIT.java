// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.server.EndpointResponse;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2: more clients than the server takes. Every one of them is answered (200, or
 * 503 for the overflow) or closed, none hangs, and once they are gone the server holds no socket
 * in CLOSE-WAIT, no more descriptors and no more threads than before.
 */
class EndpointServerFloodIT {

  private static final int MAX_CONNECTIONS = 32;
  private static final int CLIENTS = 200;
  private static final int REQUESTS_PER_CLIENT = 5;

  private final Readiness readiness = new Readiness();
  private EndpointServerImpl server;

  @BeforeEach
  void start() throws IOException {
    server = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2, 4, MAX_CONNECTIONS,
        8192, Duration.ofSeconds(2), Duration.ofSeconds(30), null, null, "/healthz", "/readyz",
        Duration.ofSeconds(1), "flood"), readiness, OpenTelemetry.noop().getMeter("test"));
    server.register("/slow", request -> {
      Thread.sleep(20);
      return EndpointResponse.json(200, "{}");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    readiness.close();
  }

  @Test
  void everyClientOfAFloodIsAnsweredOrClosedAndNothingIsLeftOpen() throws Exception {
    int port = server.port();
    int descriptorsBefore = RawHttp.openDescriptors();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    List<String> hung = new CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Thread client = new Thread(() -> {
        for (int i = 0; i < REQUESTS_PER_CLIENT && System.nanoTime() < deadline; i++) {
          try {
            RawHttp.Answer answer = RawHttp.exchange(port,
                "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10_000);
            switch (answer.status()) {
              case 200 -> ok.incrementAndGet();
              case 503 -> busy.incrementAndGet();
              case 0 -> closed.incrementAndGet();
              default -> hung.add("unexpected " + answer.text());
            }
          } catch (IOException e) {
            hung.add(e.toString());
          }
        }
      }, "flood-" + c);
      client.setDaemon(true);
      clients.add(client);
    }
    clients.forEach(Thread::start);
    List<Double> health = new ArrayList<>();
    int healthOk = 0;
    while (clients.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
      RawHttp.Answer answer = RawHttp.get(port, "/healthz");
      health.add(answer.millis());
      healthOk += answer.status() == 200 ? 1 : 0;
      Thread.sleep(20);
    }
    for (Thread client : clients) {
      client.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())));
    }
    System.out.printf("flood: %d clients x %d requests; 200: %d, 503: %d, closed: %d, hung: %d;"
        + " server counted %d rejections; /healthz during it %d/%d answered 200, p50 %.2f ms,"
        + " p99 %.2f ms%n", CLIENTS, REQUESTS_PER_CLIENT, ok.get(), busy.get(), closed.get(),
        hung.size(), server.rejectedRequests(), healthOk, health.size(),
        RawHttp.percentile(health, 50), RawHttp.percentile(health, 99));
    assertThat(hung).as("requests neither answered nor closed").isEmpty();
    assertThat(ok.get() + busy.get() + closed.get()).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
    assertThat(busy.get()).as("overflow answered 503").isPositive();
    assertThat(server.rejectedRequests()).isGreaterThanOrEqualTo(busy.get());
    assertThat(ok.get()).isPositive();

    assertNothingLeft(port, descriptorsBefore, "flood");
  }

  @Test
  void wrkWithTwoHundredConnectionsLeavesNoSocketInCloseWait() throws Exception {
    Path wrk = Path.of("/usr/bin/wrk");
    if (!Files.isExecutable(wrk)) {
      System.out.println("SKIP wrk flood: /usr/bin/wrk not installed (apt-get install wrk)");
    }
    assumeTrue(Files.isExecutable(wrk), "wrk not installed");
    int port = server.port();
    int descriptorsBefore = RawHttp.openDescriptors();
    Process process = new ProcessBuilder(wrk.toString(), "-t2", "-c200", "-d5s", "--timeout",
        "2s", "http://127.0.0.1:" + port + "/healthz").redirectErrorStream(true).start();
    List<Double> health = new ArrayList<>();
    int healthOk = 0;
    while (process.isAlive() && health.size() < 400) {
      RawHttp.Answer answer = RawHttp.get(port, "/healthz");
      health.add(answer.millis());
      healthOk += answer.status() == 200 ? 1 : 0;
      Thread.sleep(20);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("wrk ends").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println("wrk -c200 /healthz:\n" + output.strip());
    System.out.printf("wrk: /healthz probe during it %d/%d answered 200, p50 %.2f ms, p99 %.2f ms;"
        + " server counted %d rejections%n", healthOk, health.size(),
        RawHttp.percentile(health, 50), RawHttp.percentile(health, 99),
        server.rejectedRequests());
    assertThat(output).contains("requests in");

    assertNothingLeft(port, descriptorsBefore, "wrk");
  }

  private void assertNothingLeft(int port, int descriptorsBefore, String attack)
      throws Exception {
    boolean clean = RawHttp.await(3000, () -> RawHttp.serverSockets(port, "08") == 0
        && RawHttp.serverSockets(port, "01") == 0 && server.openConnections() == 0);
    int descriptorsAfter = RawHttp.openDescriptors();
    System.out.printf("%s: after it, server ESTABLISHED %d, CLOSE-WAIT %d, open %d; descriptors"
        + " %d before, %d after; endpoint threads %d%n", attack, RawHttp.serverSockets(port, "01"),
        RawHttp.serverSockets(port, "08"), server.openConnections(), descriptorsBefore,
        descriptorsAfter, RawHttp.endpointThreads());
    assertThat(clean).as("no server socket left open").isTrue();
    assertThat(descriptorsAfter).isLessThanOrEqualTo(descriptorsBefore + 2);
    assertThat(RawHttp.endpointThreads()).isLessThanOrEqualTo(1 + 2);
    assertThat(RawHttp.get(port, "/healthz").status()).isEqualTo(200);
  }
}
