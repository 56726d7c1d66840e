// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.metrics.ObsMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * OTLP push into a real OpenTelemetry Collector (Docker): with {@code metrics.exporter: both}, the
 * Micrometer business counter and the OpenTelemetry HTTP histogram both arrive, as the Collector's
 * debug exporter logs them. Skips without Docker; {@code PrometheusIT} covers the pull path
 * everywhere.
 */
class OtlpCollectorIT {

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  @Test
  void bothSourcesArePushedOverOtlp() throws Exception {
    boolean docker = dockerAvailable();
    if (!docker) {
      System.out.println("SKIP OtlpCollectorIT: Docker is not available on this machine");
    }
    assumeTrue(docker, "Docker is not available");

    String config =
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 0.0.0.0:4318\n"
            + "exporters:\n  debug:\n    verbosity: detailed\n"
            + "service:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n"
            + "      exporters: [debug]\n";
    try (GenericContainer<?> collector =
        new GenericContainer<>("otel/opentelemetry-collector:0.129.1")
            .withCopyToContainer(
                org.testcontainers.images.builder.Transferable.of(config), "/etc/otelcol/config.yaml")
            .withCommand("--config=/etc/otelcol/config.yaml")
            .withExposedPorts(4318)
            .waitingFor(Wait.forListeningPort())) {
      collector.start();
      String endpoint = "http://" + collector.getHost() + ":" + collector.getMappedPort(4318);
      try (TestApp app =
          TestApp.start(
              Map.of(
                  "metrics.exporter", "both",
                  "metrics.export_interval", "1s",
                  "exporter.endpoint", endpoint))) {
        app.request("/orders/{id}", 200, 0.042);
        app.obs.component(ObsMetrics.class).orElseThrow().counter("otlp.pushed").labels().increment();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String logs = "";
        while (Instant.now().isBefore(deadline)
            && !(logs.contains("otlp.pushed") && logs.contains("http.server.request.duration"))) {
          Thread.sleep(500);
          logs = collector.getLogs();
        }
        assertThat(logs).contains("otlp.pushed").contains("http.server.request.duration");
        assertThat(logs).contains("service.name: Str(checkout)");
      }
    }
  }
}
