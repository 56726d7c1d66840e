// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.ebpf.EbpfBridge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: end-to-end cost of kernel trace correlation on a traced loopback HTTP service. Each
 * request runs in a SERVER span made current on the handler thread; "off" is the bridge with
 * {@code ebpf.trace.enabled: false}, "on" with it true (context published on every request),
 * in alternating pairs. Run as root:
 * {@code java -cp target/test-classes:target/classes:<test classpath> io.obs.ebpf.internal.TraceMeasurements 3}
 */
public final class TraceMeasurements {
  private TraceMeasurements() {}

  private static volatile Tracer tracer;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    byte[] body = "ok\n".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    server.createContext(
        "/",
        ex -> {
          Span span = tracer.spanBuilder("GET /").setSpanKind(SpanKind.SERVER).startSpan();
          try (Scope s = span.makeCurrent()) {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(body);
            }
          } finally {
            span.end();
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // "on" first: the storage wrapper applies only if installed before the context is used.
    for (int i = 0; i < 3; i++) {
      with(true, () -> run(client, uri, 1));
      with(false, () -> run(client, uri, 1));
    }
    List<Double> ratios = new ArrayList<>();
    double[] totals = new double[4];
    for (int pair = 0; pair < 8; pair++) {
      double[] off;
      double[] on;
      if (pair % 2 == 0) {
        off = with(false, () -> run(client, uri, seconds));
        on = with(true, () -> run(client, uri, seconds));
      } else {
        on = with(true, () -> run(client, uri, seconds));
        off = with(false, () -> run(client, uri, seconds));
      }
      totals[0] += off[0];
      totals[1] += off[1];
      totals[2] += on[0];
      totals[3] += on[1];
      ratios.add(on[0] / off[0]);
      System.out.printf(
          "trace http: pair %d: off %.0f req/s %.1f us CPU/req, on %.0f req/s %.1f us CPU/req%n",
          pair, off[0] / seconds, off[1] / off[0] / 1e3, on[0] / seconds, on[1] / on[0] / 1e3);
    }
    Collections.sort(ratios);
    double cpuOff = totals[1] / totals[0];
    double cpuOn = totals[3] / totals[2];
    System.out.printf(
        "trace http: throughput on/off median %.3f, total %.3f; CPU per request off %.1f us, on"
            + " %.1f us: on/off capacity %.3f (%d s windows, 4 keep-alive clients)%n",
        (ratios.get(3) + ratios.get(4)) / 2, totals[2] / totals[0], cpuOff / 1e3, cpuOn / 1e3,
        cpuOff / cpuOn, seconds);
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private interface Measured {
    double[] run() throws Exception;
  }

  private static double[] with(boolean trace, Measured m) throws Exception {
    try (Observability obs =
        Observability.builder()
            .setModules(List.of(new EbpfBridge()))
            .setRegisterGlobal(false)
            .setConfigYaml("service:\n  name: measure\nebpf:\n  trace:\n    enabled: " + trace + "\n")
            .set("traces.exporter", "none")
            .set("metrics.exporter", "none")
            .set("logs.exporter", "none")
            .set("server.enabled", "false")
            .set("shutdown.hook", "false")
            .build()) {
      if (trace && !(ContextPublisher.isWrapped() && ContextPublisher.isEnabled())) {
        throw new IllegalStateException("context publishing is not active");
      }
      if (!obs.component(EbpfBridge.class).orElseThrow().awaitLoaded(Duration.ofSeconds(30))) {
        throw new IllegalStateException("bridge is off");
      }
      tracer = obs.tracer("measure");
      return m.run();
    }
  }

  private static double[] run(HttpClient client, URI uri, int seconds) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    AtomicLong done = new AtomicLong();
    long cpu0 = os.getProcessCpuTime();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                HttpRequest req = HttpRequest.newBuilder(uri).build();
                while (System.nanoTime() < end) {
                  try {
                    client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    done.incrementAndGet();
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new double[] {done.get(), os.getProcessCpuTime() - cpu0};
  }
}
