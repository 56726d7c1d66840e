// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.obs.Observability;
import io.obs.RequestContext;
import io.obs.tracing.TestObs;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real grpc-java calls, in-process and over Netty on loopback, with a protoc-free service. */
class GrpcTracingTest {

  private static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<String, String> SAY_HELLO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("demo.Greeter", "SayHello"))
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  private TestObs t;
  private Server server;
  private ManagedChannel managed;
  private Channel channel;

  /** An ordinary service: it knows nothing about tracing. */
  private static ServerServiceDefinition greeter() {
    return ServerServiceDefinition.builder("demo.Greeter")
        .addMethod(
            SAY_HELLO,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  switch (request) {
                    case "missing" -> response.onError(Status.NOT_FOUND.asRuntimeException());
                    case "crash" -> throw new IllegalStateException("handler bug");
                    default -> {
                      response.onNext("hello " + request + " tenant="
                          + Baggage.current().getEntryValue("tenant-id")
                          + " request=" + RequestContext.requestId().orElse("none")
                          + " traced=" + Span.current().getSpanContext().isValid());
                      response.onCompleted();
                    }
                  }
                }))
        .build();
  }

  void start(String transport) throws IOException {
    t = TestObs.start(Map.of("traces.baggage.attributes", "tenant-id"));
    GrpcTracing tracing = GrpcTracing.create(t.obs);
    ServerServiceDefinition service = ServerInterceptors.intercept(greeter(), tracing.serverInterceptor());
    if (transport.equals("inprocess")) {
      String name = InProcessServerBuilder.generateName();
      server = InProcessServerBuilder.forName(name).addService(service).build().start();
      managed = InProcessChannelBuilder.forName(name).build();
    } else {
      server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
          .addService(service).build().start();
      managed = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
          InsecureChannelCredentials.create()).build();
    }
    channel = ClientInterceptors.intercept(managed, tracing.clientInterceptor());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (managed != null) {
      managed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (t != null) {
      t.close();
    }
    Observability.shutdown();
  }

  private String call(String request) {
    return ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  private static SpanData kind(List<SpanData> spans, SpanKind kind) {
    return spans.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "netty"})
  void clientAndServerSpansFormOneTraceWithBaggageAndRequestId(String transport) throws Exception {
    start(transport);
    Span parent = t.obs.tracer("test").spanBuilder("caller").startSpan();
    Context context = RequestContext.withRequestId(
        Context.current().with(parent).with(Baggage.builder().put("tenant-id", "acme").build()),
        "grpc-req-1");
    String reply;
    try (Scope ignored = context.makeCurrent()) {
      reply = call("world");
    } finally {
      parent.end();
    }
    assertThat(reply).isEqualTo("hello world tenant=acme request=grpc-req-1 traced=true");

    List<SpanData> spans = t.awaitSpans(3);
    SpanData client = kind(spans, SpanKind.CLIENT);
    SpanData serverSpan = kind(spans, SpanKind.SERVER);
    assertThat(client.getName()).isEqualTo("demo.Greeter/SayHello");
    assertThat(serverSpan.getName()).isEqualTo("demo.Greeter/SayHello");
    assertThat(client.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(client.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(serverSpan.getTraceId()).isEqualTo(client.getTraceId());
    assertThat(serverSpan.getParentSpanId()).isEqualTo(client.getSpanId());
    for (SpanData s : List.of(client, serverSpan)) {
      assertThat(s.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("grpc");
      assertThat(s.getAttributes().get(AttributeKey.stringKey("rpc.service"))).isEqualTo("demo.Greeter");
      assertThat(s.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("SayHello");
      assertThat(s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(0L);
      assertThat(s.getAttributes().get(AttributeKey.stringKey("tenant-id"))).isEqualTo("acme");
      assertThat(s.getAttributes().get(AttributeKey.stringKey("http.request.id"))).isEqualTo("grpc-req-1");
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
    if (transport.equals("netty")) {
      assertThat(client.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
      assertThat(client.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo((long) server.getPort());
      assertThat(serverSpan.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo((long) server.getPort());
    }

    List<MetricData> metrics = List.copyOf(t.metrics.collectAllMetrics());
    for (String name : List.of("rpc.server.call.duration", "rpc.client.call.duration")) {
      MetricData metric = metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
      assertThat(metric.getUnit()).isEqualTo("s");
      assertThat(metric.getHistogramData().getPoints()).singleElement().satisfies(p -> {
        assertThat(p.getCount()).isEqualTo(1);
        assertThat(p.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(0L);
        assertThat(p.getExemplars()).isNotEmpty();
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "netty"})
  void handlerExceptionIsAServerErrorAndNotFoundOnlyAClientError(String transport) throws Exception {
    start(transport);
    assertThatThrownBy(() -> call("crash"))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
    List<SpanData> spans = t.awaitSpans(2);
    SpanData serverSpan = kind(spans, SpanKind.SERVER);
    assertThat(serverSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(serverSpan.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(2L);
    assertThat(serverSpan.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(kind(spans, SpanKind.CLIENT).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

    t.spans.reset();
    assertThatThrownBy(() -> call("missing")).isInstanceOf(StatusRuntimeException.class);
    spans = t.awaitSpans(2);
    // NOT_FOUND is the caller's problem: an error on the client span, not on the server span.
    assertThat(kind(spans, SpanKind.SERVER).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(kind(spans, SpanKind.SERVER).getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(5L);
    assertThat(kind(spans, SpanKind.CLIENT).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess"})
  void serverWithoutIncomingContextStartsARootAndGeneratesARequestId(String transport) throws Exception {
    start(transport);
    Channel bare = managed; // no client interceptor: nothing is propagated
    String reply = ClientCalls.blockingUnaryCall(bare, SAY_HELLO, CallOptions.DEFAULT, "x");
    assertThat(reply).matches("hello x tenant=null request=[0-9a-f-]{36} traced=true");
    SpanData serverSpan = t.awaitSpans(1).get(0);
    assertThat(serverSpan.getParentSpanContext().isValid()).isFalse();
  }
}
