// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.Observability;
import io.obs.config.ObsConfigException;
import io.obs.ebpf.internal.AvailabilityProbe;
import io.obs.ebpf.internal.AvailabilityProbe.Availability;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The module on any OS, with the host's answer replaced by a fixed probe result. */
class EbpfBridgeTest {
  private static final Availability NO_PRIVILEGES =
      new Availability(
          List.of(
              new AvailabilityProbe.Check("os", true, "Linux amd64"),
              new AvailabilityProbe.Check(
                  "privileges", false, "CapEff=0000000000000000 lacks CAP_BPF and CAP_PERFMON")));

  private final Logger logger = Logger.getLogger("io.obs.ebpf");
  private final List<LogRecord> logs = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (logs) {
            logs.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();

  @BeforeEach
  void captureLogs() {
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
    Observability.shutdown();
  }

  private Observability start(Supplier<Availability> probe, Map<String, String> settings) {
    Observability.Builder b =
        Observability.builder()
            .setModules(List.of(new EbpfBridge(probe)))
            .setRegisterGlobal(false)
            .setConfigYaml("service:\n  name: ebpf-test\n")
            .set("traces.exporter", "none")
            .set("metrics.exporter", "none")
            .set("logs.exporter", "none")
            .set("shutdown.hook", "false")
            .set("server.port", "0")
            .set("server.host", "127.0.0.1")
            .addMetricReader(reader);
    settings.forEach(b::set);
    return b.build();
  }

  private List<LogRecord> warnings() {
    synchronized (logs) {
      return logs.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
    }
  }

  @Test
  void unavailableHostLogsOneWarningAndTheApplicationStaysReady() throws Exception {
    Observability obs = start(() -> NO_PRIVILEGES, Map.of());

    EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
    assertThat(bridge.awaitLoaded(Duration.ofSeconds(10))).as("attached").isFalse();
    assertThat(bridge.isActive()).isFalse();
    assertThat(bridge.status())
        .isEqualTo("off: privileges: CapEff=0000000000000000 lacks CAP_BPF and CAP_PERFMON");
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getMessage())
        .startsWith("obs-ebpf: kernel metrics are off: privileges: CapEff=0000000000000000");

    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + obs.serverPort().orElseThrow() + "/readyz"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("ebpf.kernel").contains("lacks CAP_BPF and CAP_PERFMON");

    // The default programs only: the TCP state-change and retransmit programs.
    MetricData up = metric("obs.ebpf.program.up");
    assertThat(up.getLongGaugeData().getPoints())
        .hasSize(2)
        .allSatisfy(p -> assertThat(p.getValue()).isZero());
  }

  @Test
  void loadsOnTheStartThreadAfterInitReturnsAndReadyzSaysStartingMeanwhile() throws Exception {
    CountDownLatch probing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> probedOn = new AtomicReference<>();
    int port = freePort();
    Observability obs =
        start(
            () -> {
              probedOn.set(Thread.currentThread().getName());
              probing.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return NO_PRIVILEGES;
            },
            Map.of("server.port", Integer.toString(port)));
    EbpfBridge bridge;
    try {
      assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(probedOn.get()).isEqualTo("obs-start");
      // Published before loading began, so this does not wait for start-up to finish.
      bridge = obs.component(EbpfBridge.class).orElseThrow();
      assertThat(bridge.status()).startsWith("loading:");
      assertThat(bridge.awaitLoaded(Duration.ofMillis(50))).as("still loading").isFalse();
      assertThat(obs.awaitStarted(Duration.ofMillis(50))).as("still starting").isFalse();
      HttpResponse<String> ready = readyz(port);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("ebpf.kernel")
          .contains("loading")
          .contains("starting: module ebpf");
    } finally {
      release.countDown();
    }
    assertThat(bridge.awaitLoaded(Duration.ofSeconds(10))).isFalse();
    assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
    assertThat(bridge.status()).startsWith("off: privileges:");
    HttpResponse<String> ready = readyz(obs.serverPort().orElseThrow());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("lacks CAP_BPF and CAP_PERFMON");
    assertThat(warnings()).hasSize(1);
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> readyz(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void disabledBridgeNeverProbesAndStaysQuiet() {
    Observability obs =
        start(
            () -> {
              throw new AssertionError("probed although ebpf.enabled is false");
            },
            Map.of("ebpf.enabled", "false"));

    EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
    assertThat(bridge.status()).startsWith("off: ebpf.enabled is false");
    assertThat(warnings()).isEmpty();
    assertThat(reader.collectAllMetrics()).noneMatch(m -> m.getName().startsWith("obs.ebpf"));
  }

  @Test
  void requiredBridgeFailsInitWhenTheHostCannotRunIt() {
    assertThatThrownBy(
            () -> start(() -> NO_PRIVILEGES, Map.of("ebpf.enabled", "true")))
        .hasMessageContaining("ebpf")
        .hasStackTraceContaining("lacks CAP_BPF and CAP_PERFMON");
  }

  @Test
  void unknownSyscallIsAConfigurationError() {
    assertThatThrownBy(() -> start(() -> NO_PRIVILEGES, Map.of("ebpf.syscalls", "openat,opnat")))
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("ebpf.syscalls")
        .hasMessageContaining("opnat");
  }

  @Test
  void rttProgramWithoutTheTcpProgramIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                start(
                    () -> NO_PRIVILEGES,
                    Map.of("ebpf.programs.tcp", "false", "ebpf.programs.tcp_rtt", "true")))
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("ebpf.programs.tcp_rtt")
        .hasMessageContaining("needs ebpf.programs.tcp");
  }

  private MetricData metric(String name) {
    return reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
