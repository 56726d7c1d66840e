// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.obs.examples.shop.docs.QuickStart;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of obs's life cycle, each in a child JVM: what an application records in the first
 * statements after {@code init()} reaches a real Prometheus scrape and a real Zipkin; an
 * application that exits right after its work delivers every span, log record and metric to a
 * live receiver; the getting-started program runs unchanged with telemetry off.
 */
class LifecycleEdgesIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Process child(String main, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), main));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("OBS_") || k.startsWith("OTEL_"));
    builder.environment().putAll(env);
    // To a file, not a pipe: a child that never exits must fail the test, not hang it.
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Polls {@code url} until the answer contains {@code expected}, bounded in time and count. */
  private static String await(String url, String expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    for (int attempt = 0; attempt < 1000 && System.nanoTime() < deadline; attempt++) {
      try {
        last = get(url);
        if (last.contains(expected)) {
          return last;
        }
      } catch (IOException notYet) {
        last = "not reachable: " + notYet;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(url + " never answered with " + expected + "; last: " + last);
  }

  @Test
  void whatTheFirstStatementsAfterInitRecordReachesPrometheusAndZipkin() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed");
    int zipkinPort = freePort();
    int obsPort = freePort();
    int prometheusPort = freePort();
    Process zipkin = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
            "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("obs.zipkin.jar"),
            "--armeria.ports[0].port=" + zipkinPort, "--armeria.ports[0].ip=127.0.0.1",
            "--armeria.ports[0].protocols[0]=http")
        .redirectErrorStream(true).redirectOutput(dir.resolve("zipkin.log").toFile()).start();
    Process app = null;
    Process prometheus = null;
    try {
      await("http://127.0.0.1:" + zipkinPort + "/health", "UP", Duration.ofSeconds(120));
      Path appLog = dir.resolve("app.log");
      app = child(EdgesApp.class.getName(), List.of("first"), Map.of(
          "OTEL_SERVICE_NAME", "edges-first",
          "OTEL_TRACES_EXPORTER", "zipkin",
          "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:" + zipkinPort + "/api/v2/spans",
          "OBS_TRACES_BATCH_SCHEDULE_DELAY", "200ms",
          "OBS_SERVER_HOST", "127.0.0.1",
          "OBS_SERVER_PORT", Integer.toString(obsPort)), appLog);
      Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
          + "scrape_configs:\n  - job_name: edges\n    static_configs:\n"
          + "      - targets: ['127.0.0.1:" + obsPort + "']\n");
      prometheus = new ProcessBuilder(PROMETHEUS.toString(),
              "--config.file=" + dir.resolve("prometheus.yml"),
              "--storage.tsdb.path=" + dir.resolve("data"),
              "--web.listen-address=127.0.0.1:" + prometheusPort)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();

      for (String metric : List.of("first_global_total", "first_component_total",
          "first_family_total")) {
        String answer = await("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
            + URLEncoder.encode(metric + "{job=\"edges\",service=\"edges-first\"}",
                StandardCharsets.UTF_8), "\"value\":[", Duration.ofSeconds(60));
        assertThat(answer).as(metric).containsPattern("\"value\":\\[[0-9.]+,\"1\"]");
      }
      await("http://127.0.0.1:" + zipkinPort + "/api/v2/traces?serviceName=edges-first",
          "\"name\":\"first-span\"", Duration.ofSeconds(30));
      assertThat(Files.readString(appLog)).contains("RECORDED");
    } finally {
      stop(app);
      stop(prometheus);
      stop(zipkin);
    }
  }

  @Test
  void exitingRightAfterTheWorkDeliversEverySpanLogRecordAndMetric() throws Exception {
    Set<String> spans = ConcurrentHashMap.newKeySet();
    Set<String> logs = ConcurrentHashMap.newKeySet();
    AtomicLong counted = new AtomicLong();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/v1/traces", exchange -> {
      ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes())
          .getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss ->
              ss.getSpansList().forEach(span -> spans.add(span.getName()))));
      ok(exchange);
    });
    receiver.createContext("/v1/logs", exchange -> {
      ExportLogsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes())
          .getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl ->
              sl.getLogRecordsList().forEach(r -> logs.add(r.getBody().getStringValue()))));
      ok(exchange);
    });
    receiver.createContext("/v1/metrics", exchange -> {
      ExportMetricsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes())
          .getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
              sm.getMetricsList().stream().filter(m -> m.getName().equals("work.done"))
                  .forEach(m -> m.getSum().getDataPointsList().forEach(p ->
                      counted.accumulateAndGet((long) p.getAsDouble(), Math::max)))));
      ok(exchange);
    });
    receiver.start();
    try {
      Path log = dir.resolve("exit.log");
      Process app = child(EdgesApp.class.getName(), List.of("exit"), Map.of(
          "OTEL_SERVICE_NAME", "edges-exit",
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort(),
          "OTEL_TRACES_EXPORTER", "otlp",
          "OTEL_LOGS_EXPORTER", "otlp",
          "OTEL_METRICS_EXPORTER", "otlp",
          // An hour: only the shutdown's own flush can deliver anything.
          "OTEL_BSP_SCHEDULE_DELAY", "3600000",
          "OTEL_METRIC_EXPORT_INTERVAL", "3600000",
          "OBS_SERVER_ENABLED", "false"), log);
      boolean exited = app.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log);
      assertThat(exited).as(output).isTrue();
      assertThat(app.exitValue()).as(output).isZero();

      assertThat(spans.stream().filter(n -> n.startsWith("work-"))).hasSize(EdgesApp.ITEMS);
      assertThat(logs.stream().filter(b -> b.matches("work \\d+ done"))).hasSize(EdgesApp.ITEMS);
      assertThat(counted.get()).isEqualTo(EdgesApp.ITEMS);
    } finally {
      receiver.stop(0);
    }
  }

  private static void ok(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.flush();
    }
  }

  @Test
  void theGettingStartedProgramRunsUnchangedWithTelemetryOff() throws Exception {
    Path log = dir.resolve("quickstart.log");
    Process app = child(QuickStart.class.getName(), List.of(),
        Map.of("OTEL_SDK_DISABLED", "true"), log);
    try {
      String body = await("http://127.0.0.1:8080/hello", "hello, world", Duration.ofSeconds(60));

      assertThat(body).isEqualTo("hello, world\n");
      assertThat(Files.readString(log)).contains("telemetry is disabled")
          .doesNotContain("Exception");
    } finally {
      stop(app);
    }
  }
}
