// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exports all three signals over OTLP to receivers running in this JVM on loopback. */
class OtlpExportTest {

  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  private final List<String> apiKeys = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutDown() {
    Observability.shutdown();
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void exportsEverySignalOverHttpProtobuf() throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/v1/traces", exchange -> {
      apiKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("api-key")));
      traces.add(ExportTraceServiceRequest.parseFrom(body(exchange.getRequestBody(),
          exchange.getRequestHeaders().getFirst("Content-Encoding"))));
      reply(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    });
    receiver.createContext("/v1/metrics", exchange -> {
      metrics.add(ExportMetricsServiceRequest.parseFrom(body(exchange.getRequestBody(),
          exchange.getRequestHeaders().getFirst("Content-Encoding"))));
      reply(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    });
    receiver.createContext("/v1/logs", exchange -> {
      logs.add(ExportLogsServiceRequest.parseFrom(body(exchange.getRequestBody(),
          exchange.getRequestHeaders().getFirst("Content-Encoding"))));
      reply(exchange, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
    });
    receiver.start();
    try {
      emitAndClose("http/protobuf", "http://127.0.0.1:" + receiver.getAddress().getPort());
    } finally {
      receiver.stop(0);
    }

    assertReceivedEverything();
    assertThat(apiKeys).contains("k-123");
  }

  @Test
  void exportsEverySignalOverGrpc() throws Exception {
    ServerInterceptor headers = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
          ServerCallHandler<Q, R> next) {
        apiKeys.add(String.valueOf(
            metadata.get(Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER))));
        return next.startCall(call, metadata);
      }
    };
    Server receiver = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            traces.add(request);
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        }, headers))
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest request,
              StreamObserver<ExportMetricsServiceResponse> response) {
            metrics.add(request);
            response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .addService(new LogsServiceGrpc.LogsServiceImplBase() {
          @Override
          public void export(ExportLogsServiceRequest request,
              StreamObserver<ExportLogsServiceResponse> response) {
            logs.add(request);
            response.onNext(ExportLogsServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build()
        .start();
    try {
      emitAndClose("grpc", "http://127.0.0.1:" + receiver.getPort());
    } finally {
      receiver.shutdownNow();
    }

    assertReceivedEverything();
    assertThat(apiKeys).contains("k-123");
  }

  private void emitAndClose(String protocol, String endpoint) {
    Observability obs = Observability.builder()
        .setConfigYaml("""
            service:
              name: checkout
              environment: test
            exporter:
              endpoint: %s
              protocol: %s
              compression: gzip
              headers:
                api-key: k-123
            traces:
              exporter: otlp
            metrics:
              exporter: otlp
            logs:
              exporter: otlp
            server:
              enabled: false
            shutdown:
              hook: false
            """.formatted(endpoint, protocol))
        .setEnvironment(Map.of())
        .setModules(List.of())
        .setRegisterGlobal(false)
        .build();
    obs.tracer("otlp-test").spanBuilder("checkout-order").startSpan().end();
    obs.meter("otlp-test").counterBuilder("orders.placed").build().add(3);
    obs.openTelemetry().getLogsBridge().get("otlp-test").logRecordBuilder()
        .setBody("order placed").emit();
    obs.close();
  }

  private void assertReceivedEverything() {
    assertThat(traces).flatExtracting(r -> r.getResourceSpansList()).anySatisfy(rs -> {
      assertThat(attribute(rs.getResource(), "service.name")).isEqualTo("checkout");
      assertThat(attribute(rs.getResource(), "deployment.environment.name")).isEqualTo("test");
      assertThat(rs.getScopeSpansList().get(0).getSpansList().get(0).getName())
          .isEqualTo("checkout-order");
    });
    assertThat(metrics).flatExtracting(r -> r.getResourceMetricsList())
        .flatExtracting(rm -> rm.getScopeMetricsList())
        .flatExtracting(sm -> sm.getMetricsList())
        .anySatisfy(metric -> {
          assertThat(metric.getName()).isEqualTo("orders.placed");
          assertThat(metric.getSum().getDataPoints(0).getAsInt()).isEqualTo(3);
        });
    assertThat(logs).flatExtracting(r -> r.getResourceLogsList())
        .flatExtracting(rl -> rl.getScopeLogsList())
        .flatExtracting(sl -> sl.getLogRecordsList())
        .anySatisfy(log -> assertThat(log.getBody().getStringValue()).isEqualTo("order placed"));
  }

  private static String attribute(Resource resource, String key) {
    return resource.getAttributesList().stream().filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse("");
  }

  private static byte[] body(InputStream in, String encoding) throws IOException {
    InputStream source = "gzip".equals(encoding) ? new GZIPInputStream(in) : in;
    return source.readAllBytes();
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, byte[] bytes)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
