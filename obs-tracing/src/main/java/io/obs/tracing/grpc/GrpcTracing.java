// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.obs.Observability;
import io.obs.RequestContext;
import io.obs.tracing.internal.HttpServerCore;
import io.obs.tracing.internal.HttpSettings;
import io.obs.tracing.internal.RequestIds;
import io.obs.tracing.internal.Semconv;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Spans, request ids and {@code rpc.*.call.duration} metrics for grpc-java, through interceptors, with
 * no change to services or stubs:
 *
 * <pre>{@code
 * GrpcTracing tracing = GrpcTracing.create(obs);
 * Server server = ServerBuilder.forPort(8080)
 *     .addService(ServerInterceptors.intercept(service, tracing.serverInterceptor())).build();
 * Channel channel = ClientInterceptors.intercept(managedChannel, tracing.clientInterceptor());
 * }</pre>
 *
 * <p>Server spans are errors for the status codes the semantic conventions name as server faults
 * (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS); client spans for
 * any non-OK status. The request id travels in the {@code x-request-id} metadata key (the
 * configured header name, lower-cased) and is echoed in the response headers.
 *
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class GrpcTracing {

  private static final Set<Status.Code> SERVER_FAULTS =
      Set.of(
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  private static final TextMapGetter<Metadata> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
          return carrier.keys();
        }

        @Override
        public @Nullable String get(@Nullable Metadata carrier, String key) {
          Iterator<String> all = getAll(carrier, key);
          if (!all.hasNext()) {
            return null;
          }
          String first = all.next();
          String lower = key.toLowerCase(Locale.ROOT);
          boolean joinable = lower.equals("tracestate") || lower.equals("baggage");
          StringBuilder joined = joinable ? new StringBuilder(first) : null;
          while (all.hasNext()) {
            String next = all.next();
            if (joined != null) {
              joined.append(',').append(next);
            } else if (!next.equals(first)) {
              return null; // two different values for a single-valued field: trust neither
            }
          }
          return joined != null ? joined.toString() : first;
        }

        @Override
        public Iterator<String> getAll(@Nullable Metadata carrier, String key) {
          Metadata.Key<String> k = key(key);
          if (carrier == null || k == null) {
            return Collections.emptyIterator();
          }
          Iterable<String> values = carrier.getAll(k);
          return values == null ? Collections.emptyIterator() : values.iterator();
        }
      };

  private static final TextMapSetter<Metadata> SETTER =
      (carrier, key, value) -> {
        Metadata.Key<String> k = key(key);
        if (carrier != null && k != null) {
          carrier.removeAll(k);
          carrier.put(k, value);
        }
      };

  private final HttpSettings settings;
  private final Tracer tracer;
  private final DoubleHistogram serverDuration;
  private final DoubleHistogram clientDuration;
  private final Metadata.@Nullable Key<String> requestIdKey;

  private GrpcTracing(HttpSettings settings) {
    this.settings = settings;
    this.tracer = settings.openTelemetry().getTracer(HttpServerCore.SCOPE);
    var meter = settings.openTelemetry().getMeter(HttpServerCore.SCOPE);
    this.serverDuration =
        meter.histogramBuilder(Semconv.RPC_SERVER_DURATION)
            .setUnit("s")
            .setDescription("Duration of inbound RPCs.")
            .setExplicitBucketBoundariesAdvice(Semconv.HTTP_DURATION_BUCKETS)
            .build();
    this.clientDuration =
        meter.histogramBuilder(Semconv.RPC_CLIENT_DURATION)
            .setUnit("s")
            .setDescription("Duration of outbound RPCs.")
            .setExplicitBucketBoundariesAdvice(Semconv.HTTP_DURATION_BUCKETS)
            .build();
    this.requestIdKey = settings.requestIdEnabled() ? key(settings.requestIdHeader()) : null;
  }

  /** Interceptors using obs's SDK and request-id settings. */
  public static GrpcTracing create(Observability obs) {
    return new GrpcTracing(HttpSettings.from(Objects.requireNonNull(obs, "obs")));
  }

  /** Interceptors for any OpenTelemetry instance, with the default request-id settings. */
  public static GrpcTracing create(OpenTelemetry openTelemetry) {
    return new GrpcTracing(
        HttpSettings.defaults(Objects.requireNonNull(openTelemetry, "openTelemetry")));
  }

  private static Metadata.@Nullable Key<String> key(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(Metadata.BINARY_HEADER_SUFFIX) || lower.startsWith(":")) {
      return null;
    }
    try {
      return Metadata.Key.of(lower, Metadata.ASCII_STRING_MARSHALLER);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private TextMapPropagator propagator() {
    return settings.openTelemetry().getPropagators().getTextMapPropagator();
  }

  /** The interceptor that records server spans. */
  public ServerInterceptor serverInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return interceptServer(call, headers, next);
      }
    };
  }

  /** The interceptor that records client spans and sends the trace context. */
  public ClientInterceptor clientInterceptor() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return interceptClient(method, callOptions, next);
      }
    };
  }

  private static SpanBuilder rpcAttributes(SpanBuilder builder, MethodDescriptor<?, ?> method) {
    builder.setAttribute(Semconv.RPC_SYSTEM, "grpc");
    String service = method.getServiceName();
    if (service != null) {
      builder.setAttribute(Semconv.RPC_SERVICE, service);
    }
    String bare = method.getBareMethodName();
    if (bare != null) {
      builder.setAttribute(Semconv.RPC_METHOD, bare);
    }
    return builder;
  }

  private static Attributes metricAttributes(MethodDescriptor<?, ?> method, Status.Code code) {
    AttributesBuilder b = Attributes.builder().put(Semconv.RPC_SYSTEM, "grpc");
    if (method.getServiceName() != null) {
      b.put(Semconv.RPC_SERVICE, method.getServiceName());
    }
    if (method.getBareMethodName() != null) {
      b.put(Semconv.RPC_METHOD, method.getBareMethodName());
    }
    return b.put(Semconv.RPC_GRPC_STATUS_CODE, (long) code.value()).build();
  }

  // ------------------------------------------------------------------ server

  private <Q, R> ServerCall.Listener<Q> interceptServer(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long startNanos = System.nanoTime();
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    Context parent = propagator().extract(Context.root(), headers, GETTER);
    String requestId = null;
    if (requestIdKey != null) {
      requestId = RequestIds.acceptOrGenerate(GETTER.get(headers, requestIdKey.name()));
      parent = RequestContext.withRequestId(parent, requestId);
    }
    SpanBuilder builder =
        rpcAttributes(
            tracer.spanBuilder(method.getFullMethodName()).setSpanKind(SpanKind.SERVER).setParent(parent),
            method);
    SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    if (local instanceof InetSocketAddress inet) {
      builder.setAttribute(Semconv.SERVER_ADDRESS, inet.getHostString());
      builder.setAttribute(Semconv.SERVER_PORT, (long) inet.getPort());
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      builder.setAttribute(Semconv.CLIENT_ADDRESS, inet.getAddress().getHostAddress());
    }
    if (requestId != null) {
      builder.setAttribute(Semconv.HTTP_REQUEST_ID, requestId);
    }
    Span span = builder.startSpan();
    Context context = parent.with(span);
    ServerEnd end = new ServerEnd(span, context, method, startNanos);
    String echoedId = requestId;
    ServerCall<Q, R> traced =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            if (echoedId != null && requestIdKey != null) {
              responseHeaders.removeAll(requestIdKey);
              responseHeaders.put(requestIdKey, echoedId);
            }
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            try {
              super.close(status, trailers);
            } finally {
              end.end(status, status.getCause());
            }
          }
        };
    ServerCall.Listener<Q> listener;
    try (Scope ignored = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException | Error e) {
      end.end(Status.UNKNOWN, e);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        try (Scope ignored = context.makeCurrent()) {
          super.onMessage(message);
        } catch (RuntimeException | Error e) {
          // grpc closes the call as UNKNOWN behind the interceptor's back (the listener is not
          // always told), so the span ends here with what the client will see.
          end.end(Status.UNKNOWN, e);
          throw e;
        }
      }

      @Override
      public void onHalfClose() {
        try (Scope ignored = context.makeCurrent()) {
          super.onHalfClose();
        } catch (RuntimeException | Error e) {
          // grpc closes the call as UNKNOWN behind the interceptor's back (the listener is not
          // always told), so the span ends here with what the client will see.
          end.end(Status.UNKNOWN, e);
          throw e;
        }
      }

      @Override
      public void onCancel() {
        try (Scope ignored = context.makeCurrent()) {
          super.onCancel();
        } finally {
          end.end(Status.CANCELLED, null); // a no-op when the call already ended
        }
      }

      @Override
      public void onComplete() {
        try (Scope ignored = context.makeCurrent()) {
          super.onComplete();
        }
      }

      @Override
      public void onReady() {
        try (Scope ignored = context.makeCurrent()) {
          super.onReady();
        }
      }
    };
  }

  private final class ServerEnd {
    final Span span;
    final Context context;
    final MethodDescriptor<?, ?> method;
    final long startNanos;
    final AtomicBoolean ended = new AtomicBoolean();

    ServerEnd(Span span, Context context, MethodDescriptor<?, ?> method, long startNanos) {
      this.span = span;
      this.context = context;
      this.method = method;
      this.startNanos = startNanos;
    }

    void end(Status status, @Nullable Throwable error) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      Status.Code code = status.getCode();
      span.setAttribute(Semconv.RPC_GRPC_STATUS_CODE, (long) code.value());
      if (error != null) {
        span.recordException(error);
      }
      if (SERVER_FAULTS.contains(code)) {
        span.setStatus(StatusCode.ERROR, code.name());
        span.setAttribute(Semconv.ERROR_TYPE, error != null ? error.getClass().getName() : code.name());
      }
      serverDuration.record(
          (System.nanoTime() - startNanos) / 1e9, metricAttributes(method, code), context);
      span.end();
    }
  }

  // ------------------------------------------------------------------ client

  private <Q, R> ClientCall<Q, R> interceptClient(
      MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
    Context parent = Context.current();
    String authority = next.authority();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<R> responseListener, Metadata headers) {
        long startNanos = System.nanoTime();
        SpanBuilder builder =
            rpcAttributes(
                tracer.spanBuilder(method.getFullMethodName()).setSpanKind(SpanKind.CLIENT).setParent(parent),
                method);
        HttpServerCore.HostPort hostPort = HttpServerCore.hostPort(authority);
        if (hostPort != null) {
          builder.setAttribute(Semconv.SERVER_ADDRESS, hostPort.host());
          if (hostPort.port() > 0) {
            builder.setAttribute(Semconv.SERVER_PORT, (long) hostPort.port());
          }
        }
        Span span = builder.startSpan();
        Context context = parent.with(span);
        propagator().inject(context, headers, SETTER);
        if (requestIdKey != null) {
          RequestContext.requestId(parent).ifPresent(id -> {
            headers.removeAll(requestIdKey);
            headers.put(requestIdKey, id);
          });
        }
        AtomicBoolean ended = new AtomicBoolean();
        Listener<R> traced =
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (ended.compareAndSet(false, true)) {
                  endClient(span, context, method, startNanos, status);
                }
                try (Scope ignored = parent.makeCurrent()) {
                  super.onClose(status, trailers);
                }
              }
            };
        try (Scope ignored = context.makeCurrent()) {
          super.start(traced, headers);
        } catch (RuntimeException | Error e) {
          if (ended.compareAndSet(false, true)) {
            span.recordException(e);
            endClient(span, context, method, startNanos, Status.UNKNOWN.withCause(e));
          }
          throw e;
        }
      }
    };
  }

  private void endClient(
      Span span, Context context, MethodDescriptor<?, ?> method, long startNanos, Status status) {
    Status.Code code = status.getCode();
    span.setAttribute(Semconv.RPC_GRPC_STATUS_CODE, (long) code.value());
    if (code != Status.Code.OK) {
      span.setStatus(StatusCode.ERROR, code.name());
      span.setAttribute(Semconv.ERROR_TYPE, code.name());
      if (status.getCause() != null) {
        span.recordException(status.getCause());
      }
    }
    clientDuration.record(
        (System.nanoTime() - startNanos) / 1e9, metricAttributes(method, code), context);
    span.end();
  }
}
