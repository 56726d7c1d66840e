// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.obs.RequestContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. One client request: the client span, header injection (trace
 * context, baggage and the current request id, so the next service logs the same id) and the
 * {@code http.client.request.duration} histogram.
 */
public final class HttpClientCore {

  /** A request in flight. */
  public static final class Handle {
    public final Context context;
    final Span span;
    final long startNanos;
    final String method;
    final @Nullable String address;
    final int port;

    Handle(Context context, Span span, long startNanos, String method, @Nullable String address,
        int port) {
      this.context = context;
      this.span = span;
      this.startNanos = startNanos;
      this.method = method;
      this.address = address;
      this.port = port;
    }
  }

  private final HttpSettings settings;
  private final Tracer tracer;
  private final DoubleHistogram duration;

  public HttpClientCore(HttpSettings settings) {
    this.settings = settings;
    this.tracer = settings.openTelemetry().getTracer(HttpServerCore.SCOPE);
    this.duration =
        settings
            .openTelemetry()
            .getMeter(HttpServerCore.SCOPE)
            .histogramBuilder(Semconv.HTTP_CLIENT_DURATION)
            .setUnit("s")
            .setDescription("Duration of HTTP client requests.")
            .setExplicitBucketBoundariesAdvice(Semconv.HTTP_DURATION_BUCKETS)
            .build();
  }

  /** Starts the client span under {@code parent} and writes the outgoing headers. */
  public Handle start(Context parent, String rawMethod, URI uri, BiConsumer<String, String> headers) {
    long startNanos = System.nanoTime();
    String method = Semconv.method(rawMethod);
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(uri.getScheme());
    var builder =
        tracer
            .spanBuilder(method)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(Semconv.HTTP_REQUEST_METHOD, method)
            .setAttribute(Semconv.URL_FULL, urlFull(uri));
    if (!method.equals(rawMethod)) {
      builder.setAttribute(Semconv.HTTP_REQUEST_METHOD_ORIGINAL, rawMethod);
    }
    if (host != null) {
      builder.setAttribute(Semconv.SERVER_ADDRESS, host);
    }
    if (port > 0) {
      builder.setAttribute(Semconv.SERVER_PORT, (long) port);
    }
    Span span = builder.startSpan();
    Context context = parent.with(span);
    settings.openTelemetry().getPropagators().getTextMapPropagator()
        .inject(context, headers, (carrier, k, v) -> carrier.accept(k, v));
    if (settings.requestIdEnabled()) {
      Optional<String> id = RequestContext.requestId(parent);
      id.ifPresent(value -> headers.accept(settings.requestIdHeader(), value));
    }
    return new Handle(context, span, startNanos, method, host, port);
  }

  /** Ends the request; {@code status} is -1 when no response arrived. */
  public void end(Handle handle, int status, @Nullable String protocolVersion,
      @Nullable Throwable error) {
    double seconds = (System.nanoTime() - handle.startNanos) / 1e9;
    Throwable cause = unwrap(error);
    String errorType = null;
    if (status > 0) {
      handle.span.setAttribute(Semconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
      if (status >= 400) {
        errorType = Integer.toString(status);
      }
    }
    if (protocolVersion != null) {
      handle.span.setAttribute(Semconv.NETWORK_PROTOCOL_VERSION, protocolVersion);
    }
    if (cause != null) {
      handle.span.recordException(cause);
      errorType = cause.getClass().getName();
    }
    if (errorType != null) {
      handle.span.setStatus(StatusCode.ERROR);
      handle.span.setAttribute(Semconv.ERROR_TYPE, errorType);
    }
    AttributesBuilder metric = Attributes.builder().put(Semconv.HTTP_REQUEST_METHOD, handle.method);
    if (handle.address != null) {
      metric.put(Semconv.SERVER_ADDRESS, handle.address);
    }
    if (handle.port > 0) {
      metric.put(Semconv.SERVER_PORT, (long) handle.port);
    }
    if (status > 0) {
      metric.put(Semconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
    }
    if (errorType != null) {
      metric.put(Semconv.ERROR_TYPE, errorType);
    }
    duration.record(seconds, metric.build(), handle.context);
    handle.span.end();
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static int defaultPort(@Nullable String scheme) {
    if ("http".equalsIgnoreCase(scheme)) {
      return 80;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : -1;
  }

  // url.full carries neither credentials nor (unless configured) query values.
  private String urlFull(URI uri) {
    String full = uri.toString();
    if (uri.getRawUserInfo() != null) {
      full = full.replace(uri.getRawUserInfo() + "@", "REDACTED:REDACTED@");
    }
    String query = uri.getRawQuery();
    if (query != null && !settings.captureQueryValues()) {
      full = full.replace("?" + query, "?" + Semconv.redactQuery(query));
    }
    return full;
  }
}
