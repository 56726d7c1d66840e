// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.obs.Observability;
import io.obs.tracing.Spans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * OTLP export (gRPC and http/protobuf) through a real OpenTelemetry Collector into Jaeger, read
 * back from Jaeger's query API. Needs Docker; without it the test is skipped with the reason
 * printed. The same export path without Docker is covered by {@link ZipkinIT} (Zipkin exporter)
 * and obs-core's OTLP tests.
 */
class OtlpCollectorJaegerIT {

  private static final String COLLECTOR_CONFIG = String.join("\n",
      "receivers:",
      "  otlp:",
      "    protocols:",
      "      grpc:",
      "        endpoint: 0.0.0.0:4317",
      "      http:",
      "        endpoint: 0.0.0.0:4318",
      "exporters:",
      "  otlp/jaeger:",
      "    endpoint: jaeger:4317",
      "    tls:",
      "      insecure: true",
      "service:",
      "  pipelines:",
      "    traces:",
      "      receivers: [otlp]",
      "      exporters: [otlp/jaeger]",
      "");

  private Network network;
  private GenericContainer<?> jaeger;
  private GenericContainer<?> collector;

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @AfterEach
  void stop() {
    Observability.shutdown();
    if (collector != null) {
      collector.stop();
    }
    if (jaeger != null) {
      jaeger.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void spansReachJaegerThroughTheCollector(String protocol) throws Exception {
    boolean docker = dockerAvailable();
    if (!docker) {
      System.out.println("OtlpCollectorJaegerIT skipped: Docker is not available on this machine"
          + " (Testcontainers found no Docker environment).");
    }
    assumeTrue(docker, "Docker is not available; OTLP -> Collector -> Jaeger not exercised here");

    network = Network.newNetwork();
    jaeger = new GenericContainer<>("jaegertracing/all-in-one:1.62.0")
        .withNetwork(network)
        .withNetworkAliases("jaeger")
        .withEnv("COLLECTOR_OTLP_ENABLED", "true")
        .withExposedPorts(16686)
        .waitingFor(Wait.forHttp("/").forPort(16686).withStartupTimeout(Duration.ofSeconds(90)));
    jaeger.start();
    collector = new GenericContainer<>("otel/opentelemetry-collector:0.111.0")
        .withNetwork(network)
        .withCopyToContainer(Transferable.of(COLLECTOR_CONFIG), "/etc/otelcol/config.yaml")
        .withCommand("--config=/etc/otelcol/config.yaml")
        .withExposedPorts(4317, 4318)
        .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(90)));
    collector.start();

    int port = collector.getMappedPort(protocol.equals("grpc") ? 4317 : 4318);
    Observability obs = Observability.builder()
        .setConfigYaml(String.join("\n",
            "fail_fast: true",
            "service:",
            "  name: otlp-it",
            "server:",
            "  enabled: false",
            "metrics:",
            "  exporter: none",
            "exporter:",
            "  endpoint: http://" + collector.getHost() + ":" + port,
            "  protocol: " + protocol,
            "traces:",
            "  exporter: otlp",
            ""))
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .setRegisterGlobal(false)
        .build();
    Span root = obs.tracer("otlp-it").spanBuilder("otlp-root").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      Spans.run("otlp-child", () -> {});
    } finally {
      root.end();
    }
    ((OpenTelemetrySdk) obs.openTelemetry()).getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);

    String traceId = root.getSpanContext().getTraceId();
    HttpClient client = HttpClient.newHttpClient();
    URI query = URI.create("http://" + jaeger.getHost() + ":" + jaeger.getMappedPort(16686)
        + "/api/traces/" + traceId);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode spans = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(query).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        spans = new ObjectMapper().readTree(response.body()).at("/data/0/spans");
        if (spans.size() >= 2) {
          break;
        }
      }
      Thread.sleep(500);
    }
    assertThat(spans).isNotNull();
    assertThat(spans.findValuesAsText("operationName")).containsExactlyInAnyOrder("otlp-root", "otlp-child");
  }
}
