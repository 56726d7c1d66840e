// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.server.EndpointResponse;
import io.opentelemetry.api.OpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes raw requests with a fixed budget, so it runs in every build: mutated and random requests
 * through the parser alone (split at random points, which must not change the outcome, and within
 * a bounded allocation per request), then over real connections to a running server, which must
 * answer each with a well-formed response or close it, never log, and end with nothing open.
 * The seed is printed; {@code -Dobs.fuzz.seed=N} replays a run.
 */
class EndpointServerFuzzTest {

  private static final int PARSER_BUDGET = 20_000;
  private static final int SERVER_BUDGET = 300;
  private static final int MAX_INPUT = 16 * 1024;
  private static final Set<Integer> REFUSALS = Set.of(400, 411, 413, 414, 431, 505);
  private static final Set<Integer> SERVER_STATUSES =
      Set.of(200, 400, 404, 405, 408, 411, 413, 414, 431, 503, 505);

  private static final String[] SEEDS = {
    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "HEAD /metrics?x=1 HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\nAccept-Encoding: gzip\r\n\r\n",
    "GET /readyz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "GET /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    "POST /healthz HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
    "GET /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\n\r\n",
  };
  private static final String[] PIECES = {
    "\r\n", "\n", "\r", " ", "\t", ":", "\u0000", "\u00ff", "%00", "?", "#", "/", "..",
    "Content-Length: 99999999999999999999\r\n", "Content-Length: -1\r\n", "Content-Length: 1\r\n",
    "Transfer-Encoding: chunked\r\n", "Connection: close\r\n", "Host:\r\n", "HTTP/1.1",
    "HTTP/9.9", "GET", "\r\n\r\n", "x".repeat(1200), "y".repeat(9000),
  };

  private final long seed = Long.getLong("obs.fuzz.seed", System.nanoTime());

  @Test
  void theParserNeverThrowsKeepsItsLimitsAndIgnoresHowBytesAreSplit() {
    System.out.println("EndpointServerFuzzTest parser seed " + seed);
    Random random = new Random(seed);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long threadId = Thread.currentThread().getId();
    long worstAllocation = 0;
    int complete = 0;
    int failed = 0;
    for (int i = 0; i < PARSER_BUDGET; i++) {
      byte[] input = input(random);
      long before = threads.getThreadAllocatedBytes(threadId);
      Outcome whole = parse(input, new int[] {input.length});
      if (i >= 500) { // after class loading and JIT warm-up, which allocate on their own
        worstAllocation = Math.max(worstAllocation,
            threads.getThreadAllocatedBytes(threadId) - before);
      }
      Outcome split = parse(input, splits(random, input.length));
      assertThat(split).as("seed %d, input %d: %s", seed, i, printable(input)).isEqualTo(whole);
      if (whole.state == HttpRequestParser.FAILED) {
        assertThat(REFUSALS).as(printable(input)).contains(whole.status);
        failed++;
      } else if (whole.state == HttpRequestParser.COMPLETE) {
        complete++;
      }
    }
    System.out.printf("parser fuzz: %d inputs, %d complete, %d refused, worst allocation %d"
        + " bytes for one input of at most %d%n", PARSER_BUDGET, complete, failed,
        worstAllocation, MAX_INPUT);
    assertThat(complete).isPositive();
    assertThat(failed).isPositive();
    // The line buffer is capped; what a request allocates besides is its strings and headers.
    assertThat(worstAllocation).isLessThan(256 * 1024);
  }

  @Test
  void aRunningServerAnswersOrClosesEveryFuzzedRequestAndLogsNothing() throws Exception {
    System.out.println("EndpointServerFuzzTest server seed " + seed);
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
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
    Readiness readiness = new Readiness();
    EndpointServerImpl server = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2,
        16, 64, 1024, Duration.ofMillis(500), Duration.ofSeconds(2), null, null, "/healthz",
        "/readyz", Duration.ofMillis(500), "fuzz"), readiness,
        OpenTelemetry.noop().getMeter("test"));
    server.register("/echo", request -> EndpointResponse.json(200,
        "{\"query\":" + EndpointServerImpl.json(String.valueOf(request.query())) + "}"));
    server.start();
    Logger.getLogger("io.obs").addHandler(capture);
    Random random = new Random(seed);
    int port = server.port();
    int descriptorsBefore = RawHttp.openDescriptors();
    try {
      for (int i = 0; i < SERVER_BUDGET; i++) {
        byte[] input = input(random);
        String answer = send(port, input);
        if (!answer.isEmpty()) {
          assertThat(answer).as("seed %d, input %d: %s", seed, i, printable(input))
              .matches("(?s)HTTP/1\\.1 \\d{3} [^\r\n]+\r\n.*");
          assertThat(SERVER_STATUSES).as(answer).contains(RawHttp.status(answer));
        }
      }
      assertThat(RawHttp.get(port, "/healthz").status()).isEqualTo(200);
      assertThat(RawHttp.await(3000, () -> server.openConnections() == 0
          && RawHttp.serverSockets(port, "08") == 0)).isTrue();
      assertThat(RawHttp.openDescriptors()).isLessThanOrEqualTo(descriptorsBefore + 2);
      assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    } finally {
      Logger.getLogger("io.obs").removeHandler(capture);
      server.stop();
      readiness.close();
    }
  }

  /** Sends the bytes, ends the sending side and reads what comes back, within 3 s. */
  private static String send(int port, byte[] input) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
      socket.setSoTimeout(3000);
      try {
        socket.getOutputStream().write(input);
        socket.shutdownOutput();
      } catch (IOException e) {
        // Refused halfway (431, 414): what was answered is still there to read.
      }
      return RawHttp.readAll(socket.getInputStream());
    }
  }

  private record Outcome(int state, int status, String head) {}

  private static Outcome parse(byte[] input, int[] cuts) {
    HttpRequestParser parser = new HttpRequestParser(1024, 1024);
    int state = HttpRequestParser.NEED_MORE;
    int from = 0;
    for (int cut : cuts) {
      ByteBuffer chunk = ByteBuffer.wrap(input, from, cut - from);
      state = parser.feed(chunk);
      assertThat(parser.bufferCapacity()).isLessThanOrEqualTo(HttpRequestParser.MAX_HEADER_BYTES);
      if (state != HttpRequestParser.NEED_MORE) {
        break;
      }
      from = cut;
    }
    String head = "";
    if (state == HttpRequestParser.COMPLETE) {
      HttpRequestParser.Head parsed = parser.head();
      assertThat(parsed.path()).startsWith("/");
      assertThat(parsed.headers().size()).isLessThanOrEqualTo(HttpRequestParser.MAX_HEADERS);
      head = parsed.toString();
    }
    return new Outcome(state, state == HttpRequestParser.FAILED ? parser.failureStatus() : 0, head);
  }

  private static int[] splits(Random random, int length) {
    int count = 1 + random.nextInt(8);
    int[] cuts = new int[count];
    for (int i = 0; i < count - 1; i++) {
      cuts[i] = length == 0 ? 0 : random.nextInt(length + 1);
    }
    cuts[count - 1] = length;
    java.util.Arrays.sort(cuts);
    return cuts;
  }

  /** A mutated seed request, or (one in ten) random bytes. */
  private static byte[] input(Random random) {
    if (random.nextInt(10) == 0) {
      byte[] bytes = new byte[random.nextInt(600)];
      random.nextBytes(bytes);
      return bytes;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1));
    byte[] bytes = out.toByteArray();
    int mutations = random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      bytes = mutate(random, bytes);
    }
    return bytes.length > MAX_INPUT ? java.util.Arrays.copyOf(bytes, MAX_INPUT) : bytes;
  }

  private static byte[] mutate(Random random, byte[] bytes) {
    int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (random.nextInt(5)) {
      case 0 -> { // flip a byte
        byte[] copy = bytes.clone();
        if (copy.length > 0) {
          copy[at] = (byte) random.nextInt(256);
        }
        return copy;
      }
      case 1 -> { // cut
        return java.util.Arrays.copyOf(bytes, at);
      }
      case 2 -> { // insert a piece
        out.write(bytes, 0, at);
        out.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
      }
      case 3 -> { // repeat a span
        int end = at + random.nextInt(Math.max(1, bytes.length - at));
        out.write(bytes, 0, end);
        for (int r = random.nextInt(50); r >= 0; r--) {
          out.write(bytes, at, end - at);
        }
        out.write(bytes, end, bytes.length - end);
        return out.toByteArray();
      }
      default -> { // delete a span
        int end = Math.min(bytes.length, at + random.nextInt(8));
        out.write(bytes, 0, at);
        out.write(bytes, end, bytes.length - end);
        return out.toByteArray();
      }
    }
  }

  private static String printable(byte[] input) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(input.length, 300); i++) {
      int c = input[i] & 0xff;
      text.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return text.append(input.length > 300 ? "…(" + input.length + " bytes)" : "").toString();
  }
}
