// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.obs.Observability;
import io.obs.examples.shop.docs.readme.Main;
import io.obs.metrics.ObsMetrics;
import io.obs.tracing.http.ObsHttpServerFilter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the Java snippets of README.md and metrics.md as they are written, with
 * {@code Observability.init()}: the test only sets the system properties a deployment would (a
 * free port, no shutdown hook), then checks what the snippets' comments claim.
 */
class DocSnippetsTest {

  private static final Map<String, String> PROPERTIES = Map.of(
      "obs.service.name", "docs-snippets",
      "obs.service.environment", "test",
      "obs.server.host", "127.0.0.1",
      "obs.server.port", "0",
      "obs.shutdown.hook", "false",
      "obs.modules.ebpf.enabled", "false");

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void configureAsADeploymentWould() {
    Observability.shutdown();
    PROPERTIES.forEach(System::setProperty);
  }

  @AfterEach
  void shutDown() {
    Observability.shutdown();
    PROPERTIES.keySet().forEach(System::clearProperty);
  }

  @Test
  @SuppressWarnings("try") // the scope is only held open
  void readmeQuickStartGivesARecordingTracer() {
    Main.main(new String[0]);
    Tracer tracer = Observability.get().tracer("shop");

    Span span = tracer.spanBuilder("readme").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(span.getSpanContext().isValid()).isTrue();
      assertThat(span.isRecording()).isTrue();
    } finally {
      span.end();
    }
    assertThat(Observability.get().modules()).contains("tracing", "metrics", "logging");
  }

  @Test
  @SuppressWarnings("try") // the scope is only held open
  void metricsSnippetShowsUpOnMetricsAsItsCommentsSay() throws Exception {
    MeterRegistry registry = MetricsQuickStart.main();
    Observability obs = Observability.get();
    assertThat(obs.component(MeterRegistry.class)).containsSame(registry);

    // An order and a request inside sampled spans, so both carry exemplars.
    Counter orders = obs.component(ObsMetrics.class).orElseThrow()
        .counter("orders.placed", "channel", "region").labels("web", "eu");
    // The Prometheus client takes a new exemplar only when its scheduler has re-armed the sampler
    // (90 ms after the last one); on a busy machine that takes longer, so try again, bounded.
    int increments = 0;
    for (int attempt = 0; attempt < 25; attempt++) {
      Thread.sleep(200);
      Span span = obs.tracer("docs").spanBuilder("order").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        orders.increment();
        increments++;
      } finally {
        span.end();
      }
      if (scrape(obs.serverPort().orElseThrow()).lines()
          .anyMatch(l -> l.startsWith("orders_placed_total{") && l.contains(" # {"))) {
        break;
      }
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hello", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(204, -1);
      }
    }).getFilters().add(ObsHttpServerFilter.builder(obs).setRoutes("/hello").build());
    server.start();
    try {
      HttpResponse<Void> hello = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(hello.statusCode()).isEqualTo(204);
    } finally {
      server.stop(0);
    }

    String metrics = scrape(obs.serverPort().orElseThrow());

    assertThat(metrics).containsPattern(
        "(?m)^orders_placed_total\\{channel=\"web\",env=\"test\",region=\"eu\",service=\"docs-snippets\"} "
            + (1 + increments) + "\\.0");
    assertThat(metrics).containsPattern(
        "(?m)^checkout_step_seconds_bucket\\{[^}]*step=\"payment\",le=\"0\\.05\"} 1$");
    assertThat(metrics).containsPattern("(?m)^cache_misses_total\\{[^}]*} 1\\.0");

    // metrics.md's exemplar sample: same metric, labels and exemplar shape as the real output.
    List<DocBlocks.Block> blocks = DocBlocks.checked("openmetrics-sample");
    assertThat(blocks).isNotEmpty();
    Pattern sampleLine = Pattern.compile("([a-z_]+)\\{([^}]*)} \\S+ # \\{([^}]*)} \\S+ \\S+");
    for (DocBlocks.Block block : blocks) {
      for (String line : block.text().strip().split("\n")) {
        Matcher m = sampleLine.matcher(line);
        assertThat(m.matches()).as("%s: %s", block.where(), line).isTrue();
        List<String> real = new ArrayList<>();
        for (String r : metrics.split("\n")) {
          if (r.startsWith(m.group(1) + "{") && r.contains(" # {")) {
            real.add(r);
          }
        }
        assertThat(real).as("%s: %s with an exemplar on /metrics", block.where(), m.group(1))
            .isNotEmpty();
        for (String label : m.group(2).split(",")) {
          if (!label.equals("...") && !label.startsWith("le=")) {
            assertThat(real).as("%s: label %s", block.where(), label)
                .anyMatch(r -> r.substring(0, r.indexOf('}')).contains(label));
          }
        }
        String exemplarLabels = m.group(3).replaceAll("=\"[^\"]*\"", "");
        assertThat(real).as("%s: exemplar labels %s", block.where(), exemplarLabels)
            .anyMatch(r -> r.matches(".* # \\{span_id=\"[0-9a-f]{16}\",trace_id=\"[0-9a-f]{32}\"} \\S+ \\S+")
                && exemplarLabels.equals("span_id,trace_id"));
      }
    }
  }

  private String scrape(int port) throws Exception {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
