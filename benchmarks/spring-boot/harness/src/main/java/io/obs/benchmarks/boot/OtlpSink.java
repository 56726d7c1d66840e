// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP receiver that keeps nothing: it answers every export with an empty 200 at once, so
 * that the exporters under test never wait on a backend, and counts requests, bytes on the wire and
 * the items (spans, log records, metrics) inside protobuf bodies. Runs inside the harness, or alone
 * through {@link #main}.
 */
public final class OtlpSink implements AutoCloseable {

  /** The three OTLP signals, by the path their exporters post to. */
  enum Signal {
    TRACES("/v1/traces"),
    LOGS("/v1/logs"),
    METRICS("/v1/metrics");

    final String path;

    Signal(String path) {
      this.path = path;
    }
  }

  /** What arrived for one signal; {@code items} counts only protobuf bodies. */
  record Counts(long requests, long bytes, long items, long undecoded) {
    Counts minus(Counts earlier) {
      return new Counts(requests - earlier.requests, bytes - earlier.bytes, items - earlier.items,
          undecoded - earlier.undecoded);
    }
  }

  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder items = new LongAdder();
    final LongAdder undecoded = new LongAdder();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<Signal, Counters> counters = new EnumMap<>(Signal.class);

  private OtlpSink(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a sink on loopback; port 0 picks a free one. */
  static OtlpSink start(int port) throws IOException {
    // Without TCP_NODELAY the JDK server's small responses wait on Nagle's algorithm and the
    // exporters' delayed ACKs, about 40 ms per request. Read once, when the server class loads.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "otlp-sink");
      t.setDaemon(true);
      return t;
    });
    OtlpSink sink = new OtlpSink(server, executor);
    for (Signal signal : Signal.values()) {
      Counters c = new Counters();
      sink.counters.put(signal, c);
      server.createContext(signal.path, exchange -> sink.handle(exchange, c));
    }
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.setExecutor(executor);
    server.start();
    return sink;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Totals since start; subtract two snapshots for one run's share. */
  Map<Signal, Counts> snapshot() {
    Map<Signal, Counts> out = new EnumMap<>(Signal.class);
    counters.forEach((signal, c) -> out.put(signal,
        new Counts(c.requests.sum(), c.bytes.sum(), c.items.sum(), c.undecoded.sum())));
    return out;
  }

  private void handle(HttpExchange exchange, Counters c) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      c.requests.increment();
      c.bytes.add(body.length);
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null && type.toLowerCase(Locale.ROOT).contains("protobuf")) {
        try {
          byte[] plain = "gzip".equalsIgnoreCase(exchange.getRequestHeaders()
              .getFirst("Content-Encoding")) ? gunzip(body) : body;
          c.items.add(countItems(plain));
        } catch (IOException | RuntimeException e) {
          c.undecoded.increment();
        }
      } else {
        c.undecoded.increment();
      }
      // An empty body is a valid, empty Export*ServiceResponse: nothing rejected.
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  /**
   * The spans, log records or metrics in one export request. All three requests have the same
   * shape: field 1 repeats the per-resource message, its field 2 the per-scope message, and that
   * one's field 2 the items; everything else is skipped by wire type.
   */
  static long countItems(byte[] message) {
    return count(message, 0, message.length, 0);
  }

  private static final int[] PATH = {1, 2, 2};

  private static long count(byte[] b, int from, int to, int depth) {
    long n = 0;
    int[] pos = {from};
    while (pos[0] < to) {
      long key = varint(b, pos, to);
      int field = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      switch (wireType) {
        case 0 -> varint(b, pos, to);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          long length = varint(b, pos, to);
          int start = pos[0];
          if (length < 0 || length > to - start) {
            throw new IllegalArgumentException("length " + length + " past the end at " + start);
          }
          pos[0] = start + (int) length;
          if (field == PATH[depth]) {
            n += depth == PATH.length - 1 ? 1 : count(b, start, pos[0], depth + 1);
          }
        }
        default -> throw new IllegalArgumentException("wire type " + wireType + " at " + pos[0]);
      }
      if (pos[0] > to) {
        throw new IllegalArgumentException("field past the end of its message");
      }
    }
    return n;
  }

  private static long varint(byte[] b, int[] pos, int to) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= to) {
        throw new IllegalArgumentException("varint past the end");
      }
      byte next = b[pos[0]++];
      value |= (long) (next & 0x7f) << shift;
      if (next >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the sink alone until interrupted, printing its counts every ten seconds: {@code OtlpSink
   * [port]} (default 4318).
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 4318;
    try (OtlpSink sink = start(port)) {
      System.out.println("OTLP/HTTP sink on http://127.0.0.1:" + sink.port());
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(10_000);
        System.out.println(sink.snapshot());
      }
    }
  }
}
