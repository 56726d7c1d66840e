// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.RequestContext;
import io.obs.tracing.Spans;
import io.obs.tracing.TestObs;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two services on loopback in one JVM: "frontend" calls "backend" through the wrapped HttpClient;
 * both run the unchanged handlers below behind {@link ObsHttpServerFilter}.
 */
class CrossServiceTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant-id");
  private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("http.request.id");

  private TestObs t;
  private HttpServer frontend;
  private HttpServer backend;
  private ExecutorService pool;
  private final HttpClient plain =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static HttpServer server(Map<String, HttpHandler> handlers, ObsHttpServerFilter filter,
      ExecutorService pool) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    handlers.forEach((path, handler) -> server.createContext(path, handler).getFilters().add(filter));
    server.setExecutor(pool);
    server.start();
    return server;
  }

  private static HttpResponse<String> fetch(HttpClient client, String url) throws IOException {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @BeforeEach
  void start() throws IOException {
    t = TestObs.start(Map.of("traces.baggage.attributes", "tenant-id,user-role"));
    pool = Executors.newFixedThreadPool(8);
    HttpClient traced = TracingHttpClient.wrap(plain, t.obs);

    // Handlers know nothing about tracing; the backend only reports what it saw.
    backend =
        server(
            Map.of(
                "/inventory/",
                exchange -> respond(exchange, 200,
                    "tenant=" + Baggage.current().getEntryValue("tenant-id")
                        + ";request=" + RequestContext.requestId().orElse("none")),
                "/fail",
                exchange -> respond(exchange, 503, "down"),
                "/throw",
                exchange -> {
                  throw new IllegalStateException("handler bug");
                }),
            ObsHttpServerFilter.builder(t.obs).setRoutes("/inventory/{sku}").build(),
            pool);
    String backendUrl = "http://127.0.0.1:" + backend.getAddress().getPort();
    frontend =
        server(
            Map.of(
                "/orders/",
                exchange -> {
                  String body =
                      Spans.call(
                          "check-stock",
                          () -> fetch(traced, backendUrl + "/inventory/sku-9").body());
                  respond(exchange, 200, body);
                },
                "/broken",
                exchange -> {
                  int status = fetch(traced, backendUrl + "/fail").statusCode();
                  respond(exchange, status == 503 ? 502 : 200, "upstream " + status);
                }),
            ObsHttpServerFilter.builder(t.obs).setRoutes("/orders/{id}").build(),
            pool);
  }

  @AfterEach
  void stop() {
    frontend.stop(0);
    backend.stop(0);
    pool.shutdownNow();
    t.close();
    Observability.shutdown();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.getAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return plain.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + names(spans)));
  }

  private static List<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).toList();
  }

  @Test
  void oneTraceAcrossBothServicesWithBaggageAndRequestIdOnBothSides() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> response =
        get("/orders/42",
            "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01",
            "baggage", "tenant-id=acme,secret=not-copied",
            "X-Request-ID", "req-123");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("req-123");
    assertThat(response.body()).isEqualTo("tenant=acme;request=req-123");

    List<SpanData> spans = t.awaitSpans(4);
    assertThat(names(spans))
        .containsExactlyInAnyOrder("GET /orders/{id}", "check-stock", "GET", "GET /inventory/{sku}");
    SpanData frontServer = named(spans, "GET /orders/{id}");
    SpanData work = named(spans, "check-stock");
    SpanData client = named(spans, "GET");
    SpanData backServer = named(spans, "GET /inventory/{sku}");

    assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
    assertThat(frontServer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(frontServer.getParentSpanContext().isRemote()).isTrue();
    assertThat(work.getParentSpanId()).isEqualTo(frontServer.getSpanId());
    assertThat(client.getParentSpanId()).isEqualTo(work.getSpanId());
    assertThat(backServer.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(backServer.getParentSpanContext().isRemote()).isTrue();

    assertThat(frontServer.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(backServer.getKind()).isEqualTo(SpanKind.SERVER);

    // Allow-listed baggage on every span of both services; other entries are not copied.
    assertThat(spans).allSatisfy(s -> assertThat(s.getAttributes().get(TENANT)).isEqualTo("acme"));
    assertThat(frontServer.getAttributes().get(AttributeKey.stringKey("secret"))).isNull();
    assertThat(spans).allSatisfy(s -> assertThat(s.getAttributes().get(REQUEST_ID)).isEqualTo("req-123"));
    // Each attribute set once: an attribute set twice counts as dropped, though nothing was.
    assertThat(spans).allSatisfy(
        s -> assertThat(s.getTotalAttributeCount()).isEqualTo(s.getAttributes().size()));

    var a = frontServer.getAttributes();
    assertThat(a.get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
    assertThat(a.get(AttributeKey.stringKey("url.path"))).isEqualTo("/orders/42");
    assertThat(a.get(AttributeKey.stringKey("url.scheme"))).isEqualTo("http");
    assertThat(a.get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
    assertThat(a.get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
    assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo((long) frontend.getAddress().getPort());
    assertThat(a.get(AttributeKey.stringKey("network.protocol.version"))).isEqualTo("1.1");
    var c = client.getAttributes();
    assertThat(c.get(AttributeKey.stringKey("url.full"))).endsWith("/inventory/sku-9");
    assertThat(c.get(AttributeKey.longKey("server.port"))).isEqualTo((long) backend.getAddress().getPort());
    assertThat(c.get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
  }

  @Test
  void requestIdIsGeneratedAndEchoedWhenAbsentOrUnsafe() throws Exception {
    HttpResponse<String> none = get("/orders/1");
    String generated = none.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(generated).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(none.body()).endsWith("request=" + generated);

    HttpResponse<String> unsafe = get("/orders/2", "X-Request-ID", "evil\"}{injection");
    assertThat(unsafe.headers().firstValue("X-Request-ID").orElseThrow())
        .isNotEqualTo("evil\"}{injection")
        .hasSize(36);
  }

  @Test
  void garbageTraceHeadersStartANewRootAndTheRequestStillSucceeds() throws Exception {
    HttpResponse<String> response =
        get("/orders/7", "traceparent", "00-zzzz-garbage-01", "baggage", "%%%;;;,,,=");
    assertThat(response.statusCode()).isEqualTo(200);
    List<SpanData> spans = t.awaitSpans(4);
    SpanData frontServer = named(spans, "GET /orders/{id}");
    assertThat(frontServer.getParentSpanId()).isEqualTo(SpanId.getInvalid());
  }

  @Test
  void upstream5xxAndHandlerExceptionsAreErrors() throws Exception {
    HttpResponse<String> response = get("/broken");
    assertThat(response.statusCode()).isEqualTo(502);
    List<SpanData> spans = t.awaitSpans(3);
    SpanData backServer = named(spans, "GET");
    // Two spans are called "GET" (client and backend server); pick by kind.
    SpanData server503 = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER
        && "/fail".equals(s.getAttributes().get(AttributeKey.stringKey("url.path")))).findFirst().orElseThrow();
    SpanData client503 = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    SpanData front = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER
        && "/broken".equals(s.getAttributes().get(AttributeKey.stringKey("url.path")))).findFirst().orElseThrow();
    assertThat(backServer).isNotNull();
    assertThat(server503.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(server503.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
    assertThat(client503.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(front.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

    t.spans.reset();
    String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/throw";
    try {
      plain.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException expected) {
      // The JDK server closes the connection when a handler throws.
    }
    SpanData thrown = t.awaitSpans(1).get(0);
    assertThat(thrown.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(thrown.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(thrown.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void durationHistogramsUseRoutesNotPathsAndCarryExemplars() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(get("/orders/" + i).statusCode()).isEqualTo(200);
    }
    t.awaitSpans(20);
    Collection<MetricData> metrics = t.metrics.collectAllMetrics();
    MetricData server = metrics.stream()
        .filter(m -> m.getName().equals("http.server.request.duration")).findFirst().orElseThrow();
    assertThat(server.getUnit()).isEqualTo("s");
    List<HistogramPointData> points = new ArrayList<>(server.getHistogramData().getPoints());
    // One series per route and status, not one per order id.
    assertThat(points).extracting(p -> p.getAttributes().get(AttributeKey.stringKey("http.route")))
        .containsExactlyInAnyOrder("/orders/{id}", "/inventory/{sku}");
    assertThat(points).allSatisfy(p -> {
      assertThat(p.getCount()).isEqualTo(5);
      assertThat(p.getAttributes().get(AttributeKey.stringKey("url.path"))).isNull();
      assertThat(p.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
      assertThat(p.getExemplars()).isNotEmpty();
      assertThat(p.getExemplars().get(0).getSpanContext().isValid()).isTrue();
    });
    assertThat(metrics).anySatisfy(m -> assertThat(m.getName()).isEqualTo("http.client.request.duration"));
    assertThat(metrics).anySatisfy(m -> assertThat(m.getName()).isEqualTo("http.server.active_requests"));
  }
}
