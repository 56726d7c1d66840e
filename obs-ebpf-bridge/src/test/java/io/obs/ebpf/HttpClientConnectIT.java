// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.ebpf.internal.ContextPublisher;

import io.obs.ebpf.internal.KernelTestSupport;
import io.obs.tracing.http.TracingHttpClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real loopback call through obs-tracing's {@link TracingHttpClient}: the kernel's {@code
 * tcp.connect} span is a child of exactly the HTTP client span, for {@code send} (the JDK connects
 * on the calling thread) and for {@code sendAsync} (it connects on the client's executor, which
 * {@link TracingHttpClient#newBuilder} makes run in the caller's context). With {@code
 * ebpf.enabled: auto}, so the programs load after {@code init()} and the test waits for them.
 */
@Timeout(120)
class HttpClientConnectIT {
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("tcp.connect.result");

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static Observability obs;
  private static HttpServer server;

  @BeforeAll
  static void start() throws Exception {
    KernelTestSupport.assumeKernelAccess();
    obs =
        KernelTestSupport.bridgeOnly(
                "service:\n  name: ebpf-http-client-it\nebpf:\n  poll_interval: 20ms\n"
                    + "  programs:\n    syscalls: true\n")
            .addSpanExporter(SPANS)
            .build();
    // ebpf.enabled: auto loads after init(): a scope opened meanwhile publishes nothing, and its
    // close, once the table is mapped, leaves the record saying "nothing".
    Span early = obs.tracer("http-client-it").spanBuilder("before-attach").startSpan();
    Scope scope = early.makeCurrent();
    EbpfBridgeIT.awaitAttached(obs);
    scope.close();
    early.end();
    assertThat(ContextPublisher.isEnabled()).isTrue();
    assertThat(ContextPublisher.currentRecord()).isNotNull();
    assertThat(ContextPublisher.currentRecord().spanId()).isNull();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/stock",
        ex -> {
          byte[] body = "42".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (obs != null) {
      Observability.shutdown();
    }
  }

  @Test
  void sendConnectsUnderTheHttpClientSpan() throws Exception {
    HttpClient client = TracingHttpClient.newBuilder(obs.openTelemetry()).build();
    assertConnectIsChildOfClientSpan(
        "send",
        () -> {
          HttpResponse<String> r = client.send(request(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.body()).isEqualTo("42");
        });
  }

  @Test
  void sendAsyncConnectsUnderTheHttpClientSpan() throws Exception {
    HttpClient client =
        TracingHttpClient.newBuilder(obs.openTelemetry()).connectTimeout(Duration.ofSeconds(5)).build();
    assertConnectIsChildOfClientSpan(
        "sendAsync",
        () -> {
          HttpResponse<String> r =
              client.sendAsync(request(), HttpResponse.BodyHandlers.ofString())
                  .get(10, TimeUnit.SECONDS);
          assertThat(r.body()).isEqualTo("42");
        });
  }

  @Test
  void aWrappedClientsSendAsyncConnectsOnItsOwnExecutorUnattributed() throws Exception {
    // The limit the builder removes: the JDK's default executor runs the connect, no span current.
    HttpClient client = TracingHttpClient.wrap(HttpClient.newHttpClient(), obs.openTelemetry());
    Span request = obs.tracer("http-client-it").spanBuilder("wrapped").startSpan();
    String marker = "/tmp/obs-ebpf-http-marker-" + UUID.randomUUID();
    try (Scope ignored = request.makeCurrent()) {
      client.sendAsync(request(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
      // A stamped event after the connect: once its span is here, the connect's event was seen.
      Files.newInputStream(Path.of(marker)).close();
    } catch (NoSuchFileException expected) {
      // the marker
    } finally {
      request.end();
    }
    String traceId = request.getSpanContext().getTraceId();
    await(d -> d.getTraceId().equals(traceId) && d.getName().equals("syscall.openat"));
    await(d -> d.getTraceId().equals(traceId) && d.getKind() == SpanKind.CLIENT
        && d.getName().equals("GET"));
    assertThat(
            SPANS.getFinishedSpanItems().stream()
                .filter(d -> d.getTraceId().equals(traceId) && d.getName().equals("tcp.connect")))
        .as("no tcp.connect in the trace of a wrapped client's sendAsync")
        .isEmpty();
  }

  interface Call {
    void run() throws Exception;
  }

  private static HttpRequest request() {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stock"))
        .build();
  }

  private static void assertConnectIsChildOfClientSpan(String name, Call call) throws Exception {
    Span request = obs.tracer("http-client-it").spanBuilder(name).startSpan();
    try (Scope ignored = request.makeCurrent()) {
      call.run(); // a new client: a new connection
    } finally {
      request.end();
    }
    String traceId = request.getSpanContext().getTraceId();
    SpanData client =
        await(d -> d.getTraceId().equals(traceId) && d.getKind() == SpanKind.CLIENT
            && d.getParentSpanId().equals(request.getSpanContext().getSpanId()));
    SpanData connect =
        await(d -> d.getTraceId().equals(traceId) && d.getName().equals("tcp.connect"));
    assertThat(connect.getParentSpanId()).as("parent of tcp.connect").isEqualTo(client.getSpanId());
    assertThat(connect.getAttributes().get(PEER_PORT)).isEqualTo((long) server.getAddress().getPort());
    assertThat(connect.getAttributes().get(RESULT)).isEqualTo("established");
    assertThat(
            SPANS.getFinishedSpanItems().stream()
                .filter(d -> d.getTraceId().equals(traceId) && d.getName().equals("tcp.connect")))
        .as("exactly one connect in the trace")
        .hasSize(1);
  }

  private static SpanData await(Predicate<SpanData> p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (obs.openTelemetry() instanceof OpenTelemetrySdk sdk) {
        sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      }
      var found = SPANS.getFinishedSpanItems().stream().filter(p).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      assertThat(System.nanoTime()).as("span within 10 s").isLessThan(deadline);
      Thread.sleep(25);
    }
  }
}
