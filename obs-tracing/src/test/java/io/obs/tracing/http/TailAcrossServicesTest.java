// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import static io.obs.tracing.TestObs.attr;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.tracing.TestObs;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tail sampling end to end: obs configured with {@code traces.sampler.type: tail}. */
class TailAcrossServicesTest {

  private TestObs t;
  private HttpServer frontend;
  private HttpServer backend;
  private final ConcurrentLinkedQueue<String> traceparentsSeenByBackend = new ConcurrentLinkedQueue<>();
  private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static void respond(HttpExchange exchange, int status) throws IOException {
    byte[] bytes = "ok".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private void start(String base) throws IOException {
    t = TestObs.start(Map.of(
        "traces.sampler.type", "tail",
        "traces.sampler.tail.base", base,
        "traces.sampler.tail.latency_threshold", "300ms"));
    HttpClient traced = TracingHttpClient.wrap(plain, t.obs);
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", e -> {
      traceparentsSeenByBackend.add(e.getRequestHeaders().getFirst("traceparent"));
      String path = e.getRequestURI().getPath();
      if (path.equals("/slow")) {
        TestObs.sleep(400);
      }
      respond(e, path.equals("/fail") ? 500 : 200);
    }).getFilters().add(ObsHttpServerFilter.create(t.obs));
    backend.start();
    String backendUrl = "http://127.0.0.1:" + backend.getAddress().getPort();
    frontend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    frontend.createContext("/", e -> {
      try {
        traced.send(HttpRequest.newBuilder(URI.create(backendUrl + e.getRequestURI().getPath())).build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      respond(e, 200);
    }).getFilters().add(ObsHttpServerFilter.create(t.obs));
    frontend.start();
  }

  // The low bit of the traceparent flags; other bits (e.g. "random trace id") may be set too.
  private static boolean sampledFlag(String traceparent) {
    assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    return (Integer.parseInt(traceparent.substring(53), 16) & 1) == 1;
  }

  @AfterEach
  void stop() {
    frontend.stop(0);
    backend.stop(0);
    t.close();
    Observability.shutdown();
  }

  private void get(String path) throws Exception {
    plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.getAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void anErrorDownstreamKeepsTheWholeTraceWhileTheWireCarriesTheHeadDecision() throws Exception {
    start("always_off");
    get("/fail");
    List<SpanData> spans = t.awaitSpans(3);
    assertThat(spans).hasSize(3);
    assertThat(spans).extracting(SpanData::getKind)
        .containsExactlyInAnyOrder(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER);
    assertThat(spans).allSatisfy(s -> assertThat(s.getSpanContext().isSampled()).isTrue());
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    // The backend was told "not sampled": the head (base) decision, not the tail outcome.
    assertThat(sampledFlag(traceparentsSeenByBackend.poll())).isFalse();
    assertThat(t.counter("obs.traces.sampled", attr("reason", "error"))).isEqualTo(1);
  }

  @Test
  void aSlowTraceIsKeptAndABoringOneDropped() throws Exception {
    start("always_off");
    get("/fine");
    get("/slow");
    List<SpanData> spans = t.awaitSpans(3);
    TestObs.sleep(100);
    spans = t.flushedSpans();
    assertThat(spans).hasSize(3).allSatisfy(s ->
        assertThat(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("url.path")))
            .isIn(null, "/slow"));
    assertThat(t.counter("obs.traces.sampled", attr("reason", "slow"))).isEqualTo(1);
    assertThat(t.counter("obs.traces.dropped", attr("reason", "not_kept"))).isEqualTo(1);
  }

  @Test
  void whenTheBaseSamplerKeepsTheTraceTheWireSaysSampled() throws Exception {
    start("always_on");
    get("/fine");
    assertThat(t.awaitSpans(3)).hasSize(3);
    assertThat(sampledFlag(traceparentsSeenByBackend.poll())).isTrue();
    // Both services' local roots (front end, and back end with its remote parent) were kept.
    assertThat(t.counter("obs.traces.sampled", attr("reason", "base"))).isEqualTo(2);
  }
}
