// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.tracing.Spans;
import io.obs.tracing.http.ObsHttpServerFilter;
import io.obs.tracing.http.TracingHttpClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exports the cross-service trace to a real Zipkin server (the {@code zipkin-server} exec jar from
 * Maven Central, started on a free loopback port), reads it back through Zipkin's HTTP API, then
 * stops Zipkin, keeps producing spans, and restarts it.
 */
class ZipkinIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Process zipkin;
  private Observability obs;
  private HttpServer frontend;
  private HttpServer backend;
  private ExecutorService pool;
  private final Path log = Paths.get("target", "zipkin-it.log");

  private static Path zipkinJar() {
    String configured = System.getProperty("obs.zipkin.jar");
    if (configured != null && Files.isRegularFile(Paths.get(configured))) {
      return Paths.get(configured);
    }
    // Run from an IDE: the same artifact as Maven resolved it.
    Path m2 = Paths.get(System.getProperty("user.home"), ".m2", "repository", "io", "zipkin",
        "zipkin-server", "3.5.1", "zipkin-server-3.5.1-exec.jar");
    assertThat(m2).as("zipkin exec jar (run through mvn verify, which fetches it)").isRegularFile();
    return m2;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void startZipkin(int port) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-jar", zipkinJar().toString(),
        // Listen on loopback only (Armeria's setting; --server.address is not honoured by it).
        "--armeria.ports[0].port=" + port,
        "--armeria.ports[0].ip=127.0.0.1",
        "--armeria.ports[0].protocols[0]=http");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    zipkin = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(zipkin.isAlive()).as("zipkin exited early; see " + log).isTrue();
      try {
        HttpResponse<String> health = PLAIN.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200 && health.body().contains("UP")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("zipkin did not become healthy within 90 s; see " + log);
  }

  private void stopZipkin() throws InterruptedException {
    if (zipkin != null && zipkin.isAlive()) {
      zipkin.destroy();
      if (!zipkin.waitFor(20, TimeUnit.SECONDS)) {
        zipkin.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private void startServices(HttpClient traced) throws IOException {
    pool = Executors.newFixedThreadPool(4);
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/inventory/", e -> respond(e, 200, "in stock"))
        .getFilters().add(ObsHttpServerFilter.builder(obs).setRoutes("/inventory/{sku}").build());
    backend.setExecutor(pool);
    backend.start();
    String backendUrl = "http://127.0.0.1:" + backend.getAddress().getPort();
    frontend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    frontend.createContext("/orders/", e -> {
      String stock = Spans.call("check-stock", () -> {
        try {
          return traced.send(HttpRequest.newBuilder(URI.create(backendUrl + "/inventory/sku-1")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException(ie);
        }
      });
      respond(e, 200, stock);
    }).getFilters().add(ObsHttpServerFilter.builder(obs).setRoutes("/orders/{id}").build());
    frontend.setExecutor(pool);
    frontend.start();
  }

  /** One request through both services, under a root span; returns the trace id. */
  private String order(HttpClient traced, String requestId) throws Exception {
    return order(traced, requestId, "/orders/7", "tenant-id=acme", null);
  }

  private String order(HttpClient traced, String requestId, String pathAndQuery, String baggage,
      @Nullable Throwable rootError) throws Exception {
    Tracer tracer = obs.tracer("zipkin-it");
    Span root = tracer.spanBuilder("place-order").startSpan();
    if (rootError != null) {
      root.recordException(rootError);
    }
    try (Scope ignored = root.makeCurrent()) {
      HttpResponse<String> response = traced.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.getAddress().getPort() + pathAndQuery))
              .header("X-Request-ID", requestId)
              .header("baggage", baggage)
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Request-ID")).hasValue(requestId);
    } finally {
      root.end();
    }
    return root.getSpanContext().getTraceId();
  }

  private JsonNode awaitTrace(int zipkinPort, String traceId, int spans) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      ((OpenTelemetrySdk) obs.openTelemetry()).getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      HttpResponse<String> response = PLAIN.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zipkinPort + "/api/v2/trace/" + traceId))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (last.size() >= spans) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("trace " + traceId + " did not reach zipkin with " + spans + " spans: " + last);
  }

  private static long sum(Collection<MetricData> metrics, Predicate<MetricData> metric,
      Predicate<Attributes> attributes) {
    long total = 0;
    for (MetricData m : metrics) {
      if (!metric.test(m) || m.getType() != MetricDataType.LONG_SUM) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        if (attributes.test(p.getAttributes())) {
          total += p.getValue();
        }
      }
    }
    return total;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (frontend != null) {
      frontend.stop(0);
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    Observability.shutdown();
    stopZipkin();
  }

  @Test
  void crossServiceTraceReachesZipkinAndAnOutageNeverBlocksTheApplication() throws Exception {
    Files.createDirectories(log.getParent());
    int port = freePort();
    startZipkin(port);

    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    obs = Observability.builder()
        .setConfigYaml(String.join("\n",
            "fail_fast: true",
            "service:",
            "  name: zipkin-it",
            "server:",
            "  enabled: false",
            "metrics:",
            "  exporter: none",
            "exporter:",
            "  timeout: 1s",
            "traces:",
            "  exporter: zipkin",
            "  zipkin:",
            "    endpoint: http://127.0.0.1:" + port + "/api/v2/spans",
            "  baggage:",
            "    attributes: [tenant-id]",
            "  batch:",
            "    queue_size: 256",
            "    max_export_batch_size: 128",
            "    schedule_delay: 100ms",
            "    export_timeout: 2s",
            ""))
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .addMetricReader(metrics)
        .setRegisterGlobal(false)
        .build();
    HttpClient traced = TracingHttpClient.wrap(PLAIN, obs);
    startServices(traced);

    // 1. The trace, read back from Zipkin.
    String traceId = order(traced, "zipkin-req-1");
    JsonNode trace = awaitTrace(port, traceId, 6);
    Map<String, JsonNode> byName = new HashMap<>();
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode span : trace) {
      byId.put(span.get("id").asText(), span);
      byName.merge(span.get("name").asText() + "/" + span.path("kind").asText("LOCAL"), span, (a, b) -> a);
    }
    assertThat(byName.keySet()).containsExactlyInAnyOrder(
        "place-order/LOCAL", "get/CLIENT", "get /orders/{id}/SERVER", "check-stock/LOCAL",
        "get /inventory/{sku}/SERVER");
    JsonNode root = byName.get("place-order/LOCAL");
    JsonNode front = byName.get("get /orders/{id}/SERVER");
    JsonNode work = byName.get("check-stock/LOCAL");
    JsonNode back = byName.get("get /inventory/{sku}/SERVER");
    assertThat(root.has("parentId")).isFalse();
    JsonNode frontClient = byId.get(front.get("parentId").asText());
    assertThat(frontClient.get("kind").asText()).isEqualTo("CLIENT");
    assertThat(frontClient.get("parentId").asText()).isEqualTo(root.get("id").asText());
    assertThat(work.get("parentId").asText()).isEqualTo(front.get("id").asText());
    JsonNode backClient = byId.get(back.get("parentId").asText());
    assertThat(backClient.get("kind").asText()).isEqualTo("CLIENT");
    assertThat(backClient.get("parentId").asText()).isEqualTo(work.get("id").asText());
    for (JsonNode span : trace) {
      assertThat(span.get("traceId").asText()).isEqualTo(traceId);
      assertThat(span.at("/localEndpoint/serviceName").asText()).isEqualTo("zipkin-it");
      // Nothing was cut, so nothing may look cut (an attribute set twice counts as dropped).
      assertThat(span.at("/tags/otel.dropped_attributes_count").isMissingNode())
          .as("dropped attributes on %s", span.get("name"))
          .isTrue();
    }
    assertThat(front.at("/tags/http.route").asText()).isEqualTo("/orders/{id}");
    assertThat(front.at("/tags/url.path").asText()).isEqualTo("/orders/7");
    assertThat(front.at("/tags/http.response.status_code").asText()).isEqualTo("200");
    assertThat(front.at("/tags/http.request.id").asText()).isEqualTo("zipkin-req-1");
    assertThat(back.at("/tags/http.request.id").asText()).isEqualTo("zipkin-req-1");
    assertThat(front.at("/tags/tenant-id").asText()).isEqualTo("acme");
    assertThat(back.at("/tags/tenant-id").asText()).isEqualTo("acme");
    assertThat(back.at("/tags/http.route").asText()).isEqualTo("/inventory/{sku}");

    // 1b. What logs mask is masked in the trace too: a card number in the path, an e-mail in
    // the query and in allow-listed baggage, a password and an e-mail in an exception message.
    String card = "4111111111111111";
    String secretTrace = order(traced, "zipkin-req-secrets",
        "/orders/" + card + "?notify=alice@example.com", "tenant-id=alice%40example.com",
        new IllegalStateException("login failed: password=hunter2 for bob@example.com"));
    JsonNode secrets = awaitTrace(port, secretTrace, 6);
    assertThat(secrets.toString())
        .doesNotContain(card, "alice@example.com", "alice%40example.com", "hunter2",
            "bob@example.com");
    Map<String, JsonNode> secretsByName = new HashMap<>();
    for (JsonNode span : secrets) {
      secretsByName.put(span.get("name").asText() + "/" + span.path("kind").asText("LOCAL"), span);
    }
    JsonNode secretFront = secretsByName.get("get /orders/{id}/SERVER");
    assertThat(secretFront.at("/tags/url.path").asText()).isEqualTo("/orders/****");
    assertThat(secretFront.at("/tags/tenant-id").asText()).isEqualTo("****");
    assertThat(secretsByName.get("get/CLIENT").at("/tags/url.full").asText())
        .endsWith("/orders/****?notify=REDACTED");
    assertThat(secretsByName.get("place-order/LOCAL").at("/annotations/0/value").asText())
        .contains("password=****", "for ****");

    // 2. Zipkin goes away; the application keeps producing spans and never waits for it.
    stopZipkin();
    Tracer tracer = obs.tracer("zipkin-it");
    int count = 3000;
    long[] endNanos = new long[count];
    long loopStart = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Span span = tracer.spanBuilder("during-outage").setAttribute(AttributeKey.longKey("i"), (long) i).startSpan();
      long before = System.nanoTime();
      span.end();
      endNanos[i] = System.nanoTime() - before;
      if (i == count / 2) {
        Thread.sleep(300); // let the batch processor try (and fail) to export meanwhile
      }
    }
    double loopMillis = (System.nanoTime() - loopStart) / 1e6;
    long[] sorted = endNanos.clone();
    Arrays.sort(sorted);
    double p99Millis = sorted[(int) (count * 0.99)] / 1e6;
    double maxMillis = sorted[count - 1] / 1e6;
    System.out.printf("ZipkinIT: %d span ends during the outage: p50 %.4f ms, p99 %.4f ms, max %.3f ms,"
        + " loop %.0f ms (of which 300 ms deliberate sleep)%n",
        count, sorted[count / 2] / 1e6, p99Millis, maxMillis, loopMillis);
    assertThat(p99Millis).as("p99 span end during outage, ms").isLessThan(2.0);
    // Blocking on the exporter would take its 1 s timeout; the slowest end (GC pauses and a
    // machine shared with other builds included) stays far below that.
    assertThat(maxMillis).as("slowest span end during outage, ms").isLessThan(250.0);
    // An HTTP request still completes promptly while the exporter cannot reach Zipkin.
    long requestStart = System.nanoTime();
    order(traced, "zipkin-req-outage");
    assertThat((System.nanoTime() - requestStart) / 1e6).isLessThan(1000.0);
    Thread.sleep(1500); // a few failed export attempts

    Collection<MetricData> during = metrics.collectAllMetrics();
    List<String> names = new ArrayList<>();
    during.forEach(m -> names.add(m.getName()));
    System.out.println("ZipkinIT: metrics seen " + names);
    // The SDK's own telemetry (batch processor and exporter, on obs's meter provider) ...
    long sdkQueueDrops = sum(during, m -> m.getName().equals("otel.sdk.processor.span.processed"),
        a -> "queue_full".equals(a.get(AttributeKey.stringKey("error.type"))));
    // obs admits spans into the batch queue within its count and byte budgets, so spans that do
    // not fit are dropped (and counted) in front of it and the SDK's own queue never overflows.
    long queueDrops = sum(during, m -> m.getName().equals("obs.exporter.items"),
        a -> "dropped".equals(a.get(AttributeKey.stringKey("outcome")))
            && "zipkin".equals(a.get(AttributeKey.stringKey("exporter"))));
    long sdkExportFailures = sum(during, m -> m.getName().equals("otel.sdk.exporter.span.exported"),
        a -> a.get(AttributeKey.stringKey("error.type")) != null);
    // ... and obs's own export counter.
    long exportFailures = sum(during, m -> m.getName().equals("obs.exporter.items"),
        a -> "failure".equals(a.get(AttributeKey.stringKey("outcome")))
            && "zipkin".equals(a.get(AttributeKey.stringKey("exporter"))));
    long successesBefore = sum(during, m -> m.getName().equals("obs.exporter.items"),
        a -> "success".equals(a.get(AttributeKey.stringKey("outcome"))));
    System.out.printf("ZipkinIT: queue-full drops %d, export failures %d (sdk) / %d (obs)%n",
        queueDrops, sdkExportFailures, exportFailures);
    assertThat(queueDrops).as("spans dropped because the queue was full").isGreaterThan(0);
    assertThat(sdkQueueDrops).as("spans the SDK's batch queue dropped").isZero();
    assertThat(sdkExportFailures).as("spans whose export failed (sdk)").isGreaterThan(0);
    assertThat(exportFailures).as("spans whose export failed (obs)").isEqualTo(sdkExportFailures);
    // Every span of the outage is accounted for: dropped at the queue or failed at export.
    assertThat(queueDrops + exportFailures).isBetween((long) count, count + 20L);

    // 3. Zipkin comes back on the same port: new traces arrive again.
    startZipkin(port);
    String after = order(traced, "zipkin-req-2");
    JsonNode recovered = awaitTrace(port, after, 6);
    assertThat(recovered.size()).isEqualTo(6);
    // Zipkin may show the spans a moment before the exporter's result completes and is counted.
    long successes = 0;
    long countDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < countDeadline) {
      successes = sum(metrics.collectAllMetrics(), m -> m.getName().equals("obs.exporter.items"),
          a -> "success".equals(a.get(AttributeKey.stringKey("outcome"))));
      if (successes - successesBefore >= 6) {
        break;
      }
      Thread.sleep(100);
    }
    System.out.printf("ZipkinIT: spans exported before the outage %d, after the restart %d%n",
        successesBefore, successes - successesBefore);
    assertThat(successes - successesBefore).isGreaterThanOrEqualTo(6);
    assertThat(new File(log.toString())).exists();
  }
}
