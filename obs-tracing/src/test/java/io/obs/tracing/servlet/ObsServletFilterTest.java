// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.obs.RequestContext;
import io.obs.tracing.TestObs;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet filter in a real embedded Jetty 12 (ee10) on loopback. */
class ObsServletFilterTest {

  private TestObs t;
  private Server jetty;
  private int port;
  private final ExecutorService asyncPool = Executors.newFixedThreadPool(2);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An ordinary servlet: it reports the baggage and request id it sees, nothing else. */
  static final class EchoServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().write("tenant=" + Baggage.current().getEntryValue("tenant-id")
          + ";request=" + RequestContext.requestId().orElse("none")
          + ";traced=" + Span.current().getSpanContext().isValid());
    }
  }

  static final class FailingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
      throw new ServletException("database unavailable");
    }
  }

  final class AsyncServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext async = req.startAsync();
      asyncPool.submit(() -> {
        try {
          Thread.sleep(50);
          resp.setStatus(503);
          resp.getWriter().write("later");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          async.complete();
        }
      });
    }
  }

  @BeforeEach
  void start() throws Exception {
    t = TestObs.start(Map.of("traces.baggage.attributes", "tenant-id"));
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/shop");
    context.addServlet(new ServletHolder(new EchoServlet()), "/orders/*");
    context.addServlet(new ServletHolder(new EchoServlet()), "/api/*");
    context.addServlet(new ServletHolder(new FailingServlet()), "/fail");
    ServletHolder async = new ServletHolder(new AsyncServlet());
    async.setAsyncSupported(true);
    context.addServlet(async, "/async");
    FilterHolder filter = new FilterHolder(ObsServletFilter.builder(t.obs).setRoutes("/orders/{id}").build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    asyncPool.shutdownNow();
    t.close();
    Observability.shutdown();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serverSpanContinuesTheTraceWithRouteBaggageAndRequestId() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    HttpResponse<String> response = get("/shop/orders/17?x=1",
        "traceparent", "00-" + traceId + "-b7ad6b7169203331-01",
        "baggage", "tenant-id=acme",
        "X-Request-ID", "jetty-1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("tenant=acme;request=jetty-1;traced=true");
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("jetty-1");

    SpanData span = t.awaitSpans(1).get(0);
    assertThat(span.getName()).isEqualTo("GET /shop/orders/{id}");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(traceId);
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    var a = span.getAttributes();
    assertThat(a.get(AttributeKey.stringKey("url.path"))).isEqualTo("/shop/orders/17");
    assertThat(a.get(AttributeKey.stringKey("url.query"))).isEqualTo("x=REDACTED");
    assertThat(a.get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
    assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo((long) port);
    assertThat(a.get(AttributeKey.stringKey("network.protocol.version"))).isEqualTo("1.1");
    assertThat(a.get(AttributeKey.stringKey("tenant-id"))).isEqualTo("acme");
    assertThat(a.get(AttributeKey.stringKey("http.request.id"))).isEqualTo("jetty-1");
  }

  @Test
  void withoutATemplateTheServletMappingIsTheRoute() throws Exception {
    assertThat(get("/shop/api/things/5").statusCode()).isEqualTo(200);
    SpanData span = t.awaitSpans(1).get(0);
    assertThat(span.getName()).isEqualTo("GET /shop/api/*");
    assertThat(span.getParentSpanId()).isEqualTo("0000000000000000");
  }

  @Test
  void servletExceptionIsRecordedAsA500Error() throws Exception {
    assertThat(get("/shop/fail").statusCode()).isEqualTo(500);
    SpanData span = t.awaitSpans(1).get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(500L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("jakarta.servlet.ServletException");
    assertThat(span.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void asyncRequestEndsWhenTheAsyncContextCompletes() throws Exception {
    HttpResponse<String> response = get("/shop/async");
    assertThat(response.statusCode()).isEqualTo(503);
    List<SpanData> spans = t.awaitSpans(1);
    SpanData span = spans.get(0);
    assertThat(span.getName()).isEqualTo("GET /shop/async");
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    // It lasted as long as the async work, not just the servlet's doGet.
    assertThat(span.getEndEpochNanos() - span.getStartEpochNanos()).isGreaterThanOrEqualTo(40_000_000L);
  }
}
