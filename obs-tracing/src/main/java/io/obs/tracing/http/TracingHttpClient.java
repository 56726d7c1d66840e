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
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class TracingHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final HttpClientCore core;

  private TracingHttpClient(HttpClient delegate, HttpClientCore core) {
    this.delegate = delegate;
    this.core = core;
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
    return delegate.executor();
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }
}
