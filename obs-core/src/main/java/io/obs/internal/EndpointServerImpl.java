// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.server.EndpointHandler;
import io.obs.server.EndpointRequest;
import io.obs.server.EndpointResponse;
import io.obs.server.EndpointServer;
import io.obs.server.ReadinessCheck;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The endpoint server: obs's own small non-blocking HTTP/1.1
 * server (see {@link EndpointLoop} for the I/O thread and its limits), routing exact paths, GET
 * and HEAD only. The health probe is answered on the I/O thread itself, so it never waits behind
 * a scrape; {@code /readyz} and the registered handlers run on a bounded worker pool whose
 * overflow is answered 503. With {@code server.token}, every path but the probes needs the
 * bearer token, and {@code /readyz} shows its checks' details only to requests that carry it.
 */
public final class EndpointServerImpl implements EndpointServer, EndpointLoop.Router {

  /** Connections the kernel completes before the I/O thread accepts them; they hold no descriptor. */
  private static final int BACKLOG = 1024;
  private static final long STOP_WAIT_MILLIS = 2000;

  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }

  private final EndpointSettings settings;
  private final InetSocketAddress address;
  private final EndpointLoop loop;
  private final Thread ioThread;
  private final ThreadPoolExecutor workers;
  private final EndpointTelemetry telemetry;
  private final Readiness readiness;
  private final Map<String, EndpointHandler> handlers = new ConcurrentHashMap<>();
  private final byte @Nullable [] token;
  private final byte[][] health = new byte[4][]; // by HEAD and close

  private EndpointServerImpl(EndpointSettings settings, ServerSocketChannel listener,
      Selector selector, Readiness readiness, EndpointTelemetry telemetry) throws IOException {
    this.settings = settings;
    this.address = (InetSocketAddress) listener.getLocalAddress();
    this.readiness = readiness;
    this.telemetry = telemetry;
    this.token = settings.token() == null
        ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    this.loop = new EndpointLoop(listener, selector, settings, this, telemetry);
    this.ioThread = new Thread(loop, "obs-endpoint-io");
    // obs never keeps the JVM alive, and a stalled client must not starve the probe.
    ioThread.setDaemon(true);
    this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueSize()),
        daemonThreads("obs-endpoint"));
    workers.allowCoreThreadTimeOut(true);
    byte[] body = ("{\"status\":\"UP\",\"service\":" + json(settings.serviceName()) + "}")
        .getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 4; i++) {
      health[i] = EndpointResponses.encode(200, jsonHeaders(), body, (i & 1) != 0, (i & 2) != 0);
    }
  }

  /**
   * Binds the server; it answers once {@link #start()} is called, so checks registered in between
   * are there for the first request (connections made meanwhile wait in the backlog).
   *
   * @throws IOException when the address cannot be bound (port in use, unknown host)
   */
  public static EndpointServerImpl bind(EndpointSettings settings, Readiness readiness,
      Meter selfMeter) throws IOException {
    InetSocketAddress requested = new InetSocketAddress(settings.host(), settings.port());
    if (requested.isUnresolved()) {
      throw new IOException("unknown host " + settings.host());
    }
    ServerSocketChannel listener = ServerSocketChannel.open();
    Selector selector = null;
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(requested, BACKLOG);
      selector = Selector.open();
      EndpointServerImpl server = new EndpointServerImpl(settings, listener, selector, readiness,
          new EndpointTelemetry(selfMeter));
      if (settings.token() != null && settings.tls() == null
          && !server.address.getAddress().isLoopbackAddress()) {
        log().log(System.Logger.Level.WARNING, "obs: server.token is set but server.tls.keystore"
            + " is not, so the token crosses the network in clear text; configure TLS, or bind"
            + " server.host to an address only trusted peers reach.");
      }
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Starts answering requests. */
  public void start() {
    ioThread.start();
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void register(String path, EndpointHandler handler) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    if (path.equals(settings.healthPath()) || path.equals(settings.readyPath())
        || handlers.putIfAbsent(path, handler) != null) {
      throw new IllegalStateException("endpoint path " + path + " is already registered");
    }
  }

  /** Requests answered 503 because the connection limit or the work queue was full. */
  long rejectedRequests() {
    return telemetry.rejected();
  }

  /** Connections closed because a request or a response outlasted its timeout. */
  long timedOutRequests() {
    return telemetry.timedOut();
  }

  /** Open connections, lingering ones included. */
  int openConnections() {
    return telemetry.openConnections();
  }

  /** Requests a worker is handling or that wait for one. */
  int pendingWork() {
    return workers.getActiveCount() + workers.getQueue().size();
  }

  /** Stops answering, closes every connection and the port, and ends the threads. */
  void stop() {
    loop.stop();
    if (ioThread.isAlive() && Thread.currentThread() != ioThread) {
      try {
        ioThread.join(STOP_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (!ioThread.isAlive()) {
      // Never started: run the loop's clean-up (it sees running false and closes everything).
      loop.run();
    }
    workers.shutdownNow();
    telemetry.close();
  }

  @Override
  public EndpointLoop.@Nullable Reply route(EndpointLoop.Connection connection,
      HttpRequestParser.Head head) {
    String method = head.method();
    boolean isHead = method.equals("HEAD");
    boolean close = !head.keepAlive();
    if (!isHead && !method.equals("GET")) {
      telemetry.count(EndpointTelemetry.INVALID);
      return new EndpointLoop.Reply(EndpointResponses.encode(405, Map.of(
              "Allow", "GET, HEAD",
              "Content-Type", "application/json; charset=utf-8",
              "Cache-Control", "no-store"),
          "{\"error\":\"only GET and HEAD are served\"}".getBytes(StandardCharsets.UTF_8), false,
          close), close);
    }
    String path = head.path();
    if (path.equals(settings.healthPath())) {
      telemetry.count(EndpointTelemetry.SERVED);
      return new EndpointLoop.Reply(health[(isHead ? 1 : 0) + (close ? 2 : 0)], close);
    }
    boolean authorized = authorized(head);
    if (path.equals(settings.readyPath())) {
      return submit(connection, head, close, request -> ready(authorized));
    }
    if (!authorized) {
      telemetry.count(EndpointTelemetry.UNAUTHORIZED);
      return new EndpointLoop.Reply(EndpointResponses.encode(401, Map.of(
              "WWW-Authenticate", "Bearer realm=\"obs\"",
              "Content-Type", "application/json; charset=utf-8",
              "Cache-Control", "no-store"),
          "{\"error\":\"a bearer token is required\"}".getBytes(StandardCharsets.UTF_8), isHead,
          close), close);
    }
    EndpointHandler handler = handlers.get(path);
    if (handler == null) {
      telemetry.count(EndpointTelemetry.INVALID);
      return new EndpointLoop.Reply(EndpointResponses.encode(404, jsonHeaders(),
          ("{\"error\":\"not found\",\"path\":" + json(path) + "}")
              .getBytes(StandardCharsets.UTF_8), isHead, close), close);
    }
    return submit(connection, head, close, handler);
  }

  @Override
  public EndpointLoop.@Nullable Reply probe(HttpRequestParser.Head head) {
    boolean isHead = head.method().equals("HEAD");
    if (!head.path().equals(settings.healthPath()) || (!isHead && !head.method().equals("GET"))) {
      return null;
    }
    telemetry.count(EndpointTelemetry.SERVED);
    return new EndpointLoop.Reply(health[(isHead ? 1 : 0) + 2], true);
  }

  private EndpointLoop.@Nullable Reply submit(EndpointLoop.Connection connection,
      HttpRequestParser.Head head, boolean close, EndpointHandler handler) {
    try {
      workers.execute(() -> handle(connection, head, close, handler));
      return null;
    } catch (RejectedExecutionException e) {
      telemetry.count(EndpointTelemetry.REJECTED);
      return new EndpointLoop.Reply(EndpointResponses.overloaded(), true);
    }
  }

  private void handle(EndpointLoop.Connection connection, HttpRequestParser.Head head,
      boolean close, EndpointHandler handler) {
    boolean isHead = head.method().equals("HEAD");
    byte[] bytes = null;
    try {
      EndpointResponse response = handler.handle(request(head));
      bytes = EndpointResponses.encode(response.status(), response.headers(), response.body(),
          isHead, close);
      telemetry.count(EndpointTelemetry.SERVED);
    } catch (Exception | LinkageError e) {
      log().log(System.Logger.Level.WARNING, "obs: endpoint " + head.path() + " failed", e);
      telemetry.count(EndpointTelemetry.FAILED);
    } finally {
      // Whatever happened, the connection gets an answer and its slot back.
      if (bytes == null) {
        bytes = EndpointResponses.encode(500, jsonHeaders(),
            "{\"error\":\"internal error\"}".getBytes(StandardCharsets.UTF_8), isHead, close);
      }
      loop.complete(connection, new EndpointLoop.Reply(bytes, close));
    }
  }

  private static EndpointRequest request(HttpRequestParser.Head head) {
    EndpointRequest.Builder request =
        EndpointRequest.builder(head.method(), head.path()).setQuery(head.query());
    for (Map.Entry<String, List<String>> header : head.headers().entrySet()) {
      for (String value : header.getValue()) {
        request.addHeader(header.getKey(), value);
      }
    }
    return request.build();
  }

  /** Whether the request carries the token, compared in constant time; true when none is set. */
  private boolean authorized(HttpRequestParser.Head head) {
    byte[] expected = token;
    if (expected == null) {
      return true;
    }
    String value = head.header("authorization");
    if (value == null || value.length() < 7
        || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(expected,
        value.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  private EndpointResponse ready(boolean authorized) {
    Readiness.Report report = readiness.evaluate(settings.readinessTimeout());
    StringBuilder body = new StringBuilder("{");
    if (authorized) {
      body.append("\"checks\":{");
      boolean first = true;
      for (Readiness.Outcome outcome : report.outcomes()) {
        ReadinessCheck.Result result = outcome.result();
        body.append(first ? "" : ",").append(json(outcome.name())).append(":{\"status\":")
            .append(result.ready() ? "\"UP\"" : "\"DOWN\"").append(",\"detail\":")
            .append(json(result.detail())).append('}');
        first = false;
      }
      body.append("},");
    }
    body.append("\"status\":").append(report.ready() ? "\"UP\"" : "\"DOWN\"").append('}');
    return EndpointResponse.json(report.ready() ? 200 : 503, body.toString());
  }

  private static Map<String, String> jsonHeaders() {
    return Map.of("Content-Type", "application/json; charset=utf-8", "Cache-Control", "no-store");
  }

  /** A JSON string literal. */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
