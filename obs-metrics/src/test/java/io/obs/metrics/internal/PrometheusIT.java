// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
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
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's package) scrapes the test application's obs endpoint every
 * second with exemplar storage on; the assertions go through Prometheus's HTTP API.
 */
class PrometheusIT {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static TestApp app;
  private static Process prometheus;
  private static int prometheusPort;
  private static final Set<String> traceIds = ConcurrentHashMap.newKeySet();
  private static Instant started;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      System.out.println("SKIP PrometheusIT: " + PROMETHEUS + " not installed (apt-get install prometheus)");
    }
    assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed");
    started = Instant.now().minusSeconds(60);
    app = TestApp.start(Map.of());
    traceIds.add(app.request("/orders/{id}", 200, 0.042));
    prometheusPort = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  scrape_timeout: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: obs\n"
            + "    metrics_path: /metrics\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:" + app.port + "']\n");
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--enable-feature=exemplar-storage")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (app != null) {
      app.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String api(String path, Map<String, String> params) throws Exception {
    StringBuilder uri = new StringBuilder("http://127.0.0.1:" + prometheusPort + path + "?");
    params.forEach(
        (k, v) -> uri.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(uri.toString())).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /**
   * Polls until the answer satisfies the condition; meanwhile the app keeps serving requests so
   * every scrape has fresh exemplars.
   */
  private static String await(String path, Map<String, String> params, Predicate<String> done)
      throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    String last = "";
    int attempts = 0;
    while (Instant.now().isBefore(deadline) && attempts++ < 400) {
      try {
        last = api(path, params);
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = "not reachable yet: " + e;
      }
      traceIds.add(app.request("/orders/{id}", 200, 0.042));
      Thread.sleep(250);
    }
    throw new AssertionError(
        "Prometheus did not answer as expected within " + DEADLINE + " for " + path + " " + params
            + "; last answer: " + last + "\nprometheus log:\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }

  private static String query(String promql) throws Exception {
    return await(
        "/api/v1/query",
        Map.of("query", promql),
        body -> body.contains("\"status\":\"success\"") && body.contains("\"metric\":{"));
  }

  @Test
  void httpHistogramSeriesCarrySemanticLabelsAndCommonLabels() throws Exception {
    String body =
        query(
            "http_server_request_duration_seconds_bucket{service=\"checkout\",env=\"test\","
                + "http_request_method=\"GET\",http_route=\"/orders/{id}\","
                + "http_response_status_code=\"200\",le=\"0.05\"}");

    assertThat(body).contains("\"job\":\"obs\"");
    assertThat(body).contains("\"otel_scope_name\":\"io.obs.tracing\"");
  }

  @Test
  void jvmSeriesArePresent() throws Exception {
    assertThat(query("jvm_memory_used_bytes{service=\"checkout\",area=\"heap\"}")).contains("\"id\":");
    query("jvm_threads_live_threads{service=\"checkout\"}");
    query("jvm_classes_loaded_classes{env=\"test\"}");
  }

  @Test
  void businessCounterIsPresent() throws Exception {
    String body =
        query("orders_placed_total{channel=\"web\",region=\"eu\",service=\"checkout\",env=\"test\"}");

    assertThat(body).contains("\"__name__\":\"orders_placed_total\"");
  }

  @Test
  void httpHistogramExemplarPointsAtTheRecordingTrace() throws Exception {
    assertExemplarOfOurTraces("http_server_request_duration_seconds_bucket{service=\"checkout\"}");
  }

  @Test
  void micrometerCounterExemplarPointsAtTheRecordingTrace() throws Exception {
    assertExemplarOfOurTraces("orders_placed_total{service=\"checkout\"}");
  }

  private static void assertExemplarOfOurTraces(String selector) throws Exception {
    Pattern traceId = Pattern.compile("\"trace_id\":\"([0-9a-f]{32})\"");
    String body =
        await(
            "/api/v1/query_exemplars",
            Map.of(
                "query", selector,
                "start", String.valueOf(started.getEpochSecond()),
                "end", String.valueOf(Instant.now().plusSeconds(600).getEpochSecond())),
            answer -> {
              Matcher m = traceId.matcher(answer);
              while (m.find()) {
                if (traceIds.contains(m.group(1))) {
                  return true;
                }
              }
              return false;
            });

    assertThat(body).contains("\"span_id\":");
  }
}
