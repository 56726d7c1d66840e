// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.obs.tracing.TestObs;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK client (Java 17) does the work of {@code sendAsync}, including opening the connection,
 * on its executor's threads, and that of {@code send} on the calling thread. A client from {@link
 * TracingHttpClient#newBuilder} runs executor work with the client span current; the cookie
 * handler, which the JDK calls on the thread that then opens the connection, sees which span is
 * current.
 */
class TracingHttpClientBuilderTest {

  private TestObs t;
  private HttpServer server;
  private ExecutorService userPool;

  /** Records the span current whenever the client asks for cookies. */
  static final class SpanRecordingCookies extends CookieHandler {
    final ConcurrentLinkedQueue<SpanContext> seen = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
      seen.add(Span.current().getSpanContext());
      threads.add(Thread.currentThread().getName());
      return Map.of();
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {}
  }

  @BeforeEach
  void setUp() throws IOException {
    t = TestObs.start(Map.of());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/ok",
        ex -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    userPool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    server.stop(0);
    userPool.shutdownNow();
    userPool.awaitTermination(5, TimeUnit.SECONDS);
    t.close();
  }

  private HttpRequest request() {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ok"))
        .build();
  }

  private SpanData clientSpan() {
    return t.awaitSpans(1).stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void sendAsyncRunsTheClientsWorkOnItsPoolWithTheClientSpanCurrent() throws Exception {
    SpanRecordingCookies cookies = new SpanRecordingCookies();
    HttpClient client =
        TracingHttpClient.newBuilder(t.obs)
            .cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HttpResponse<String> response =
        client.sendAsync(request(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);

    assertThat(response.body()).isEqualTo("ok");
    SpanData span = clientSpan();
    assertThat(cookies.seen).isNotEmpty();
    assertThat(cookies.seen).allSatisfy(sc -> assertThat(sc).isEqualTo(span.getSpanContext()));
    assertThat(cookies.threads)
        .as("the work ran on the client's pool, not the caller")
        .allSatisfy(name -> assertThat(name).startsWith("obs-http-client-"));
    assertThat(client.executor()).as("no executor was set").isEmpty();
  }

  @Test
  void theUsersExecutorRunsTheWorkWithTheClientSpanCurrent() throws Exception {
    SpanRecordingCookies cookies = new SpanRecordingCookies();
    HttpClient client =
        TracingHttpClient.newBuilder(t.obs).cookieHandler(cookies).executor(userPool).build();

    HttpResponse<String> response =
        client.sendAsync(request(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    SpanData span = clientSpan();
    assertThat(cookies.seen).isNotEmpty();
    assertThat(cookies.seen).allSatisfy(sc -> assertThat(sc).isEqualTo(span.getSpanContext()));
    assertThat(cookies.threads).allSatisfy(name -> assertThat(name).startsWith("pool-"));
    assertThat(client.executor()).isEqualTo(Optional.of(userPool));
  }

  @Test
  void sendDoesItsWorkOnTheCallingThreadUnderTheClientSpan() throws Exception {
    SpanRecordingCookies cookies = new SpanRecordingCookies();
    HttpClient client = TracingHttpClient.newBuilder(t.obs).cookieHandler(cookies).build();

    client.send(request(), HttpResponse.BodyHandlers.ofString());

    SpanData span = clientSpan();
    assertThat(cookies.seen).isNotEmpty();
    assertThat(cookies.seen).allSatisfy(sc -> assertThat(sc).isEqualTo(span.getSpanContext()));
  }

  @Test
  void aWrappedClientsOwnExecutorRunsSendAsyncWorkWithNoSpanCurrent() throws Exception {
    SpanRecordingCookies cookies = new SpanRecordingCookies();
    HttpClient client =
        TracingHttpClient.wrap(HttpClient.newBuilder().cookieHandler(cookies).build(), t.obs);

    client.sendAsync(request(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);

    clientSpan();
    assertThat(cookies.seen).isNotEmpty();
    assertThat(cookies.seen).allSatisfy(sc -> assertThat(sc.isValid()).isFalse());
  }
}
