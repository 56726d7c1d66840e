// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import io.obs.Observability;
import io.obs.tracing.internal.HttpClientCore;
import io.obs.tracing.internal.HttpSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A {@link HttpClient} that records a client span per request and sends the trace context,
 * baggage and request id headers; everything else is the wrapped client's:
 *
 * <pre>{@code
 * HttpClient client = TracingHttpClient.wrap(HttpClient.newHttpClient(), obs);
 * }</pre>
 *
 * <p>The span's parent is the context current when {@code send}/{@code sendAsync} is called. A
 * response of 400 or more, or an exception, marks the span as an error. For {@code sendAsync} the
 * span ends before the returned future completes.
 *
 * <p>For {@code sendAsync} the JDK client (Java 17) does its work, including opening the
 * connection, on its executor's threads ({@code send} does it on the calling thread, where the
 * client span is current). A client built with {@link #newBuilder(Observability)} runs each
 * executor task in the context current when it was handed over, so the connection is opened with
 * the client span current and code that looks at the current span on that thread (cookie
 * handlers, authenticators, obs-ebpf-bridge's {@code tcp.connect} child spans) sees it. A client
 * passed to {@code wrap} keeps its own executor, where no span is current.
 *
 * <pre>{@code
 * HttpClient client = TracingHttpClient.newBuilder(obs).connectTimeout(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class TracingHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final HttpClientCore core;
  /** What {@link #executor()} reports: the builder's executor, not its context-wrapping one. */
  private final Optional<Executor> executor;

  private TracingHttpClient(HttpClient delegate, HttpClientCore core) {
    this(delegate, core, delegate.executor());
  }

  private TracingHttpClient(HttpClient delegate, HttpClientCore core, Optional<Executor> executor) {
    this.delegate = delegate;
    this.core = core;
    this.executor = executor;
  }

  /**
   * A builder of traced clients whose executor runs the client's tasks in the context current when
   * they were submitted (see the class description); everything else is {@link
   * HttpClient#newBuilder()}'s. {@code executor(...)} sets the executor to wrap; without one the
   * client gets a cached pool of daemon threads, as the JDK's default.
   *
   * @since 0.1.0
   */
  public static HttpClient.Builder newBuilder(Observability obs) {
    Objects.requireNonNull(obs, "obs");
    return new Builder(new HttpClientCore(HttpSettings.from(obs)));
  }

  /**
   * Like {@link #newBuilder(Observability)}, for any OpenTelemetry instance.
   *
   * @since 0.1.0
   */
  public static HttpClient.Builder newBuilder(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new Builder(new HttpClientCore(HttpSettings.defaults(openTelemetry)));
  }

  /** Wraps {@code client} using obs's SDK and request-id settings. */
  public static TracingHttpClient wrap(HttpClient client, Observability obs) {
    Objects.requireNonNull(client, "client");
    return new TracingHttpClient(client, new HttpClientCore(HttpSettings.from(obs)));
  }

  /** Wraps {@code client} for any OpenTelemetry instance. */
  public static TracingHttpClient wrap(HttpClient client, OpenTelemetry openTelemetry) {
    Objects.requireNonNull(client, "client");
    return new TracingHttpClient(
        client, new HttpClientCore(HttpSettings.defaults(openTelemetry)));
  }

  private record Prepared(HttpRequest request, HttpClientCore.Handle handle) {}

  private Prepared prepare(HttpRequest request) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
    HttpClientCore.Handle handle =
        core.start(Context.current(), request.method(), request.uri(), builder::setHeader);
    return new Prepared(builder.build(), handle);
  }

  private static String version(HttpResponse<?> response) {
    return response.version() == Version.HTTP_2 ? "2" : "1.1";
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Prepared prepared = prepare(request);
    try (Scope ignored = prepared.handle().context.makeCurrent()) {
      HttpResponse<T> response = delegate.send(prepared.request(), handler);
      core.end(prepared.handle(), response.statusCode(), version(response), null);
      return response;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      core.end(prepared.handle(), -1, null, e);
      throw e;
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return sendAsync(request, handler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.@Nullable PushPromiseHandler<T> pushPromiseHandler) {
    Prepared prepared = prepare(request);
    CompletableFuture<HttpResponse<T>> future;
    try (Scope ignored = prepared.handle().context.makeCurrent()) {
      future = delegate.sendAsync(prepared.request(), handler, pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      core.end(prepared.handle(), -1, null, e);
      throw e;
    }
    return future.whenComplete(
        (response, error) ->
            core.end(
                prepared.handle(),
                response != null ? response.statusCode() : -1,
                response != null ? version(response) : null,
                error));
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return executor;
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  /** {@link HttpClient#newBuilder()} with a context-propagating executor put in at build time. */
  private static final class Builder implements HttpClient.Builder {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final HttpClient.Builder delegate = HttpClient.newBuilder();
    private final HttpClientCore core;
    private @Nullable Executor executor;

    Builder(HttpClientCore core) {
      this.core = core;
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      delegate.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      delegate.connectTimeout(duration);
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      delegate.sslContext(sslContext);
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      delegate.sslParameters(sslParameters);
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    @Override
    public HttpClient.Builder followRedirects(Redirect policy) {
      delegate.followRedirects(policy);
      return this;
    }

    @Override
    public HttpClient.Builder version(Version version) {
      delegate.version(version);
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      delegate.priority(priority);
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      delegate.proxy(proxySelector);
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      delegate.authenticator(authenticator);
      return this;
    }

    @Override
    public HttpClient build() {
      Executor own = executor;
      Executor tasks = own != null ? own : defaultExecutor();
      HttpClient client = delegate.executor(Context.taskWrapping(tasks)).build();
      return new TracingHttpClient(client, core, Optional.ofNullable(own));
    }

    /** What the JDK gives a client without an executor: a cached pool of daemon threads. */
    private static ExecutorService defaultExecutor() {
      int pool = POOLS.incrementAndGet();
      AtomicInteger workers = new AtomicInteger();
      return Executors.newCachedThreadPool(
          task -> {
            Thread t =
                new Thread(
                    null,
                    task,
                    "obs-http-client-" + pool + "-worker-" + workers.getAndIncrement(),
                    0,
                    false);
            t.setDaemon(true);
            return t;
          });
    }
  }
}
