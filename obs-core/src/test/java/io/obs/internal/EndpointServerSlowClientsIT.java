// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.server.EndpointResponse;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 1: clients that send half a request, or trickle it, or vanish while their
 * request is handled, must not delay the probes nor leave sockets, threads or log lines behind.
 */
class EndpointServerSlowClientsIT {

  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  private static final int STALLED = 20;
  private static final int TRICKLING = 20;
  private static final int PROBES = 100;

  private final Readiness readiness = new Readiness();
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private EndpointServerImpl server;

  @BeforeEach
  void start() throws IOException {
    server = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2, 16, 64, 8192,
        HEADER_TIMEOUT, Duration.ofSeconds(30), null, null, "/healthz", "/readyz",
        Duration.ofSeconds(1), "slow"), readiness, OpenTelemetry.noop().getMeter("test"));
    server.register("/work", request -> {
      Thread.sleep(100);
      return EndpointResponse.json(200, "{\"done\":true}");
    });
    server.start();
    Logger.getLogger("io.obs").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("io.obs").removeHandler(capture);
    server.stop();
    readiness.close();
  }

  @Test
  void stalledAndTricklingClientsDelayNoProbeAndAreClosedAfterTheHeaderTimeout()
      throws Exception {
    int port = server.port();
    int descriptorsBefore = RawHttp.openDescriptors();
    List<Socket> attackers = new ArrayList<>();
    List<Thread> tricklers = new ArrayList<>();
    for (int i = 0; i < STALLED; i++) {
      Socket socket = connect(port);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nAcc"
          .getBytes(StandardCharsets.ISO_8859_1));
      attackers.add(socket);
    }
    for (int i = 0; i < TRICKLING; i++) {
      Socket socket = connect(port);
      attackers.add(socket);
      Thread trickler = new Thread(() -> trickle(socket), "trickler-" + i);
      trickler.setDaemon(true);
      trickler.start();
      tricklers.add(trickler);
    }
    assertThat(RawHttp.await(2000, () -> RawHttp.serverSockets(port, "01") >= STALLED + TRICKLING))
        .as("every attacker connected").isTrue();

    List<Double> health = new ArrayList<>();
    List<Double> work = new ArrayList<>();
    List<Double> oversleep = new ArrayList<>();
    for (int i = 0; i < PROBES; i++) {
      RawHttp.Answer answer = RawHttp.get(port, "/healthz");
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      health.add(answer.millis());
      long sleep = System.nanoTime();
      Thread.sleep(5);
      oversleep.add(Math.max(0, (System.nanoTime() - sleep) / 1e6 - 5));
      if (i % 10 == 0) {
        RawHttp.Answer worked = RawHttp.get(port, "/work");
        assertThat(worked.status()).as(worked.text()).isEqualTo(200);
        work.add(worked.millis());
      }
    }
    double p50 = RawHttp.percentile(health, 50);
    double p99 = RawHttp.percentile(health, 99);
    double overslept = RawHttp.percentile(oversleep, 99);
    System.out.printf("slow clients: %d stalled + %d trickling; /healthz p50 %.2f ms, p99 %.2f ms,"
        + " max %.2f ms; /work (100 ms handler) p50 %.1f ms; prober overslept p99 %.1f ms%n",
        STALLED, TRICKLING, p50, p99, RawHttp.percentile(health, 100),
        RawHttp.percentile(work, 50), overslept);
    // On a shared machine a neighbour can take the cores from the prober as well as the server;
    // only then may the probe be slow (see the assumption at the end).
    boolean spoiled = p99 >= 100;
    if (spoiled) {
      assertThat(overslept).as("/healthz p99 %.1f ms while the prober ran on time", p99)
          .isGreaterThanOrEqualTo(50);
    }
    assertThat(RawHttp.percentile(work, 50)).as("a handler still gets a worker").isLessThan(600);

    // Every attacker is answered 408 or closed once the header timeout has passed.
    for (Socket attacker : attackers) {
      attacker.setSoTimeout((int) HEADER_TIMEOUT.toMillis() + 3000);
      String answer = readQuietly(attacker.getInputStream());
      assertThat(answer).satisfiesAnyOf(
          a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 408 "));
    }
    for (Thread trickler : tricklers) {
      trickler.join(5000);
    }
    assertThat(server.timedOutRequests()).isGreaterThanOrEqualTo(STALLED + TRICKLING);
    for (Socket attacker : attackers) {
      attacker.close();
    }
    assertThat(RawHttp.await(2000, () -> RawHttp.serverSockets(port, "01") == 0
        && RawHttp.serverSockets(port, "08") == 0)).as("no server socket left").isTrue();
    int descriptorsAfter = RawHttp.openDescriptors();
    System.out.printf("slow clients: server ESTABLISHED %d, CLOSE-WAIT %d after; descriptors"
        + " %d before, %d after; endpoint threads %d%n", RawHttp.serverSockets(port, "01"),
        RawHttp.serverSockets(port, "08"), descriptorsBefore, descriptorsAfter,
        RawHttp.endpointThreads());
    assertThat(descriptorsAfter).isLessThanOrEqualTo(descriptorsBefore + 2);
    // The I/O thread and at most server.threads workers, however many clients came.
    assertThat(RawHttp.endpointThreads()).isLessThanOrEqualTo(1 + 2);
    assertThat(warnings).isEmpty();
    assumeTrue(!spoiled, "the machine was too busy to measure /healthz latency");
  }

  @Test
  void clientsThatLeaveBeforeTheirAnswerLeaveNoWarningAndNoSocket() throws Exception {
    int port = server.port();
    for (int i = 0; i < 30; i++) {
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write("GET /work HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        socket.setSoLinger(true, 0); // leave with a reset, as an impatient client does
      }
    }
    // The handlers finish meanwhile and find their clients gone. Two workers and a queue of 16
    // take 100 ms per request, and the server may still be accepting the burst from its backlog:
    // until the queue has drained a new request may be refused (503), as it should be. So: the
    // server serves again within the time the burst's work takes, and then holds nothing.
    assertThat(RawHttp.await(8000, () -> RawHttp.get(port, "/work").status() == 200))
        .as("/work answered 200 after the burst").isTrue();
    assertThat(RawHttp.await(8000, () -> server.openConnections() == 0
            && server.pendingWork() == 0))
        .as("open connections: %s, pending work: %s", server.openConnections(),
            server.pendingWork())
        .isTrue();
    assertThat(RawHttp.serverSockets(port, "08")).isZero();
    assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return socket;
  }

  /** One byte of a request every 100 ms, for at most 4 s. */
  private static void trickle(Socket socket) {
    byte[] request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    try {
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 40 && i < request.length; i++) {
        out.write(request[i]);
        out.flush();
        Thread.sleep(100);
      }
    } catch (IOException e) {
      // Closed by the server: what the test wants.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readQuietly(InputStream in) throws IOException {
    return RawHttp.readAll(in);
  }
}
