// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.obs.RequestContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. One server request, from extraction to the duration
 * histogram, shared by the JDK HTTP server filter and the servlet filter so both record the same
 * span and metric shape. The histogram is recorded with the request's context, so the SDK's
 * trace-based exemplar filter attaches the trace id to the bucket.
 */
public final class HttpServerCore {

  public static final String SCOPE = "io.obs.tracing";

  /** What the server framework tells about a request. */
  public record Request(
      String method,
      String scheme,
      String path,
      @Nullable String query,
      @Nullable String serverAddress,
      int serverPort,
      @Nullable String protocol,
      @Nullable String route,
      @Nullable String userAgent,
      @Nullable String clientAddress,
      @Nullable String requestId) {}

  /** A request in flight. */
  public static final class Handle {
    public final Context context;
    public final Span span;
    public final @Nullable String requestId;
    final long startNanos;
    final String method;
    final String scheme;
    @Nullable String route;
    final Attributes activeAttributes;

    Handle(Context context, Span span, @Nullable String requestId, long startNanos, String method,
        String scheme, @Nullable String route, Attributes activeAttributes) {
      this.context = context;
      this.span = span;
      this.requestId = requestId;
      this.startNanos = startNanos;
      this.method = method;
      this.scheme = scheme;
      this.route = route;
      this.activeAttributes = activeAttributes;
    }
  }

  private final HttpSettings settings;
  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final LongUpDownCounter active;

  public HttpServerCore(HttpSettings settings) {
    this.settings = settings;
    this.tracer = settings.openTelemetry().getTracer(SCOPE);
    Meter meter = settings.openTelemetry().getMeter(SCOPE);
    this.duration =
        meter
            .histogramBuilder(Semconv.HTTP_SERVER_DURATION)
            .setUnit("s")
            .setDescription("Duration of HTTP server requests.")
            .setExplicitBucketBoundariesAdvice(Semconv.HTTP_DURATION_BUCKETS)
            .build();
    this.active =
        meter
            .upDownCounterBuilder(Semconv.HTTP_SERVER_ACTIVE)
            .setUnit("{request}")
            .setDescription("Number of active HTTP server requests.")
            .build();
  }

  public HttpSettings settings() {
    return settings;
  }

  public <C> Handle start(C carrier, TextMapGetter<C> getter, Request request) {
    long startNanos = System.nanoTime();
    Context parent =
        settings.openTelemetry().getPropagators().getTextMapPropagator()
            .extract(Context.root(), carrier, getter);
    String method = Semconv.method(request.method());
    String requestId = settings.requestIdEnabled()
        ? RequestIds.acceptOrGenerate(request.requestId())
        : null;
    if (requestId != null) {
      // Before the span starts, so the span processor copies it onto this span and its children.
      parent = RequestContext.withRequestId(parent, requestId);
    }
    SpanBuilder builder =
        tracer
            .spanBuilder(request.route() != null ? method + " " + request.route() : method)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(Semconv.HTTP_REQUEST_METHOD, method)
            .setAttribute(Semconv.URL_PATH, request.path())
            .setAttribute(Semconv.URL_SCHEME, request.scheme());
    if (!method.equals(request.method())) {
      builder.setAttribute(Semconv.HTTP_REQUEST_METHOD_ORIGINAL, request.method());
    }
    if (request.query() != null) {
      builder.setAttribute(Semconv.URL_QUERY, settings.query(request.query()));
    }
    if (request.route() != null) {
      builder.setAttribute(Semconv.HTTP_ROUTE, request.route());
    }
    if (request.serverAddress() != null) {
      builder.setAttribute(Semconv.SERVER_ADDRESS, request.serverAddress());
    }
    if (request.serverPort() > 0) {
      builder.setAttribute(Semconv.SERVER_PORT, (long) request.serverPort());
    }
    if (request.protocol() != null) {
      builder.setAttribute(
          Semconv.NETWORK_PROTOCOL_VERSION, Semconv.protocolVersion(request.protocol()));
    }
    if (request.userAgent() != null) {
      builder.setAttribute(Semconv.USER_AGENT_ORIGINAL, request.userAgent());
    }
    if (request.clientAddress() != null) {
      builder.setAttribute(Semconv.CLIENT_ADDRESS, request.clientAddress());
    }
    if (requestId != null) {
      builder.setAttribute(Semconv.HTTP_REQUEST_ID, requestId);
    }
    Span span = builder.startSpan();
    Attributes activeAttributes =
        Attributes.of(Semconv.HTTP_REQUEST_METHOD, method, Semconv.URL_SCHEME, request.scheme());
    active.add(1, activeAttributes, parent);
    return new Handle(parent.with(span), span, requestId, startNanos, method, request.scheme(),
        request.route(), activeAttributes);
  }

  /** Sets a route found only after the framework routed the request (e.g. servlet mapping). */
  public void updateRoute(Handle handle, @Nullable String route) {
    if (route == null || handle.route != null) {
      return;
    }
    handle.route = route;
    handle.span.setAttribute(Semconv.HTTP_ROUTE, route);
    handle.span.updateName(handle.method + " " + route);
  }

  /** Ends the request; {@code status} is -1 when no response was sent. */
  public void end(Handle handle, int status, @Nullable Throwable error) {
    double seconds = (System.nanoTime() - handle.startNanos) / 1e9;
    Span span = handle.span;
    String errorType = null;
    if (status > 0) {
      span.setAttribute(Semconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
      if (status >= 500) {
        errorType = Integer.toString(status);
      }
    }
    if (error != null) {
      span.recordException(error);
      errorType = error.getClass().getName();
    }
    if (errorType != null) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(Semconv.ERROR_TYPE, errorType);
    }
    AttributesBuilder metric =
        Attributes.builder()
            .put(Semconv.HTTP_REQUEST_METHOD, handle.method)
            .put(Semconv.URL_SCHEME, handle.scheme);
    if (handle.route != null) {
      metric.put(Semconv.HTTP_ROUTE, handle.route);
    }
    if (status > 0) {
      metric.put(Semconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
    }
    if (errorType != null) {
      metric.put(Semconv.ERROR_TYPE, errorType);
    }
    duration.record(seconds, metric.build(), handle.context);
    active.add(-1, handle.activeAttributes, handle.context);
    span.end();
  }

  /** Splits a Host header into host and port; the port is -1 when absent. */
  public static @Nullable HostPort hostPort(@Nullable String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank() || hostHeader.length() > 255) {
      return null;
    }
    String h = hostHeader.trim();
    int port = -1;
    String host = h;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = h.substring(1, close);
      if (h.length() > close + 2 && h.charAt(close + 1) == ':') {
        port = parsePort(h.substring(close + 2));
      }
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) {
        host = h.substring(0, colon);
        port = parsePort(h.substring(colon + 1));
      }
    }
    return new HostPort(host, port);
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      return p > 0 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A host and port (-1 when unknown). */
  public record HostPort(String host, int port) {}
}
