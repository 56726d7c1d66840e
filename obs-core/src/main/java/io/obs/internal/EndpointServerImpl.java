// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.obs.server.EndpointServer;
import io.obs.server.ReadinessCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Internal: not for use outside obs. The endpoint server over {@code com.sun.net.httpserver}: one
 * root context dispatching exact paths, a bounded worker pool whose overflow is dropped and
 * counted rather than queued without limit, GET/HEAD only, and size limits on every request.
 */
public final class EndpointServerImpl implements EndpointServer {

  private static final System.Logger LOG = System.getLogger("io.obs");
  private static final int QUEUE_CAPACITY = 64;

  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();
  private final Readiness readiness;
  private final int maxRequestBytes;
  private final Duration readinessTimeout;
  private final AtomicLong rejected = new AtomicLong();

  private EndpointServerImpl(HttpServer server, ThreadPoolExecutor workers, int maxRequestBytes,
      Readiness readiness, Duration readinessTimeout) {
    this.server = server;
    this.workers = workers;
    this.maxRequestBytes = maxRequestBytes;
    this.readiness = readiness;
    this.readinessTimeout = readinessTimeout;
  }

  /**
   * Binds the server; it answers once {@link #start()} is called, so checks registered in between
   * are there for the first request (connections made meanwhile wait in the backlog).
   *
   * @throws IOException when the address cannot be bound (port in use, unknown host)
   */
  public static EndpointServerImpl bind(String host, int port, int threads, int maxRequestBytes,
      Readiness readiness, Duration readinessTimeout, String healthPath, String readyPath,
      String serviceName) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    ThreadPoolExecutor workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE_CAPACITY), daemonThreads("obs-endpoint"));
    workers.allowCoreThreadTimeOut(true);
    EndpointServerImpl endpoints =
        new EndpointServerImpl(server, workers, maxRequestBytes, readiness, readinessTimeout);
    // A saturated pool closes the connection instead of queueing without bound.
    workers.setRejectedExecutionHandler((task, pool) -> endpoints.rejected.incrementAndGet());
    server.setExecutor(workers);
    server.createContext("/", endpoints::dispatch);
    endpoints.register(healthPath, exchange -> respondJson(exchange, 200,
        "{\"status\":\"UP\",\"service\":" + json(serviceName) + "}"));
    endpoints.register(readyPath, endpoints::ready);
    return endpoints;
  }

  /** Starts answering requests. */
  public void start() {
    startAsDaemon(server);
  }

  /**
   * HttpServer's dispatcher thread takes the daemon flag of the thread that starts it. Started
   * from {@code main} it would keep the JVM alive after {@code main} returns, so an application
   * that never calls {@code close()} would never exit; the endpoint server must not decide how
   * long the application lives.
   */
  private static void startAsDaemon(HttpServer server) {
    if (Thread.currentThread().isDaemon()) {
      server.start();
      return;
    }
    RuntimeException[] failure = new RuntimeException[1];
    Thread starter = new Thread(() -> {
      try {
        server.start();
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "obs-endpoint-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the endpoint server", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  @Override
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void register(String path, HttpHandler handler) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    if (handlers.putIfAbsent(path, handler) != null) {
      throw new IllegalStateException("endpoint path " + path + " is already registered");
    }
  }

  /** Requests dropped because every worker was busy and the queue was full. */
  long rejectedRequests() {
    return rejected.get();
  }

  void stop() {
    server.stop(0);
    workers.shutdownNow();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String rawUri = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().toString().length() > maxRequestBytes) {
        respondJson(exchange, 414, "{\"error\":\"request URI too long\"}");
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respondJson(exchange, 405, "{\"error\":\"only GET and HEAD are served\"}");
        return;
      }
      if (!drainBody(exchange)) {
        respondJson(exchange, 413, "{\"error\":\"request body too large\"}");
        return;
      }
      HttpHandler handler = handlers.get(rawUri);
      if (handler == null) {
        respondJson(exchange, 404, "{\"error\":\"not found\",\"path\":" + json(rawUri) + "}");
        return;
      }
      try {
        handler.handle(exchange);
      } catch (RuntimeException | IOException e) {
        LOG.log(System.Logger.Level.WARNING, "obs: endpoint " + rawUri + " failed", e);
        if (exchange.getResponseCode() == -1) {
          respondJson(exchange, 500, "{\"error\":\"internal error\"}");
        }
      }
    }
  }

  // GET requests carry no body; one that does is read up to the limit so the connection stays
  // usable, and refused past it.
  private boolean drainBody(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxRequestBytes) {
          return false;
        }
      } catch (NumberFormatException e) {
        return false;
      }
    }
    InputStream body = exchange.getRequestBody();
    byte[] buffer = new byte[1024];
    long total = 0;
    int read;
    while ((read = body.read(buffer)) != -1) {
      total += read;
      if (total > maxRequestBytes) {
        return false;
      }
    }
    return true;
  }

  private void ready(HttpExchange exchange) throws IOException {
    Readiness.Report report = readiness.evaluate(readinessTimeout);
    StringBuilder body = new StringBuilder("{\"checks\":{");
    boolean first = true;
    for (Readiness.Outcome outcome : report.outcomes()) {
      ReadinessCheck.Result result = outcome.result();
      body.append(first ? "" : ",").append(json(outcome.name())).append(":{\"status\":")
          .append(result.ready() ? "\"UP\"" : "\"DOWN\"").append(",\"detail\":")
          .append(json(result.detail())).append('}');
      first = false;
    }
    body.append("},\"status\":").append(report.ready() ? "\"UP\"" : "\"DOWN\"").append('}');
    respondJson(exchange, report.ready() ? 200 : 503, body.toString());
  }

  static void respondJson(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
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

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
