// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /metrics endpoint over real HTTP on loopback. */
class MetricsEndpointIT {

  private static TestApp app;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of());
    app.request("/orders/{id}", 200, 0.042);
    app.request("/orders/{id}", 500, 0.3);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static HttpResponse<byte[]> get(String accept, String encoding) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + "/metrics"))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (encoding != null) {
      request.header("Accept-Encoding", encoding);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void withoutAcceptServesPrometheusTextWithBothSourcesAndCommonLabels() throws Exception {
    HttpResponse<byte[]> response = get(null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    String body = text(response);
    assertThat(body)
        .containsPattern(
            "http_server_request_duration_seconds_bucket\\{env=\"test\",http_request_method=\"GET\","
                + "http_response_status_code=\"200\",http_route=\"/orders/\\{id}\",.*"
                + "service=\"checkout\",le=\"0\\.05\"} [1-9]");
    assertThat(body).containsPattern("orders_placed_total\\{channel=\"web\",env=\"test\",region=\"eu\",service=\"checkout\"} [1-9]\\.0");
    assertThat(body).containsPattern("jvm_memory_used_bytes\\{.*service=\"checkout\"");
    assertThat(body).containsPattern("jvm_threads_live_threads\\{");
    assertThat(body).containsPattern("process_uptime_seconds\\{");
    assertThat(body).doesNotContain("trace_id");
  }

  @Test
  void openMetricsAcceptGivesExemplarsOfTheRecordingSpan() throws Exception {
    // The SDK hands out an OpenTelemetry exemplar on the first collection after the recording
    // (Prometheus stores it); record afresh so this test does not depend on test order.
    String traceId = app.request("/orders/{id}", 200, 0.042);
    // What Prometheus 2.x sends.
    HttpResponse<byte[]> response =
        get(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            null);

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
    String body = text(response);
    assertThat(body).endsWith("# EOF\n");
    assertThat(body)
        .containsPattern(
            "http_server_request_duration_seconds_bucket\\{.*http_response_status_code=\"200\".*"
                + "le=\"0\\.05\"} [1-9] # \\{span_id=\"[0-9a-f]{16}\",trace_id=\""
                + traceId
                + "\"}");
    assertThat(body).containsPattern("orders_placed_total\\{.*} [1-9]\\.0 # \\{span_id=\"[0-9a-f]{16}\",trace_id=\"[0-9a-f]{32}\"}");
  }

  @Test
  void protobufIsServedOnlyWhenAskedFor() throws Exception {
    HttpResponse<byte[]> response =
        get(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3",
            null);

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/vnd.google.protobuf"));
    assertThat(new String(response.body(), StandardCharsets.ISO_8859_1))
        .contains("orders_placed_total");
  }

  @Test
  void gzipIsUsedOnlyWhenAsked() throws Exception {
    HttpResponse<byte[]> zipped = get(null, "gzip, deflate");
    HttpResponse<byte[]> refused = get(null, "gzip;q=0, identity");

    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String unzipped;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(unzipped).contains("orders_placed_total{");
    assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(refused)).contains("orders_placed_total{");
  }

  @Test
  void headAnswersWithoutBody() throws Exception {
    HttpResponse<byte[]> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + "/metrics"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void promtoolAcceptsTheEndpointOutput() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      System.out.println("SKIP promtool check metrics: /usr/bin/promtool not installed"
          + " (apt-get install prometheus)");
    }
    assumeTrue(Files.isExecutable(promtool), "promtool not installed");
    String body = text(get(null, null));
    // Kept for whoever reviews what the endpoint looks like.
    Files.writeString(Path.of("target", "metrics-sample.txt"), body);

    ProcessResult result = ProcessResult.run(body, promtool.toString(), "check", "metrics");

    assertThat(result.output()).as("promtool output").isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  /** Runs a process with stdin and a deadline. */
  record ProcessResult(int exitCode, String output) {
    static ProcessResult run(String stdin, String... command) throws IOException, InterruptedException {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new ProcessResult(
          process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
