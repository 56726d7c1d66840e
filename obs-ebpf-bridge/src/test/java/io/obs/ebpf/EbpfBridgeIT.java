// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.obs.ebpf.internal.BpfException;

import io.obs.ebpf.internal.KernelTestSupport;
import io.obs.ebpf.internal.ProgramStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module end to end on the running kernel: metrics through the shared SDK, readiness, clean
 * shutdown and a second init in the same JVM. Skipped with the reason where BPF is not allowed.
 */
@Timeout(120)
class EbpfBridgeIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final AttributeKey<String> SYSCALL = AttributeKey.stringKey("syscall");
  private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error");
  private static final AttributeKey<String> PEER = AttributeKey.stringKey("peer");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  private static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("direction");

  @BeforeAll
  static void requireKernelAccess() {
    KernelTestSupport.assumeKernelAccess();
  }

  @AfterEach
  void shutdown() {
    Observability.shutdown();
  }

  /** Waits (bounded) for the programs that ebpf.enabled: auto loads after init() returns. */
  static void awaitAttached(Observability obs) throws InterruptedException {
    EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
    assertThat(bridge.awaitLoaded(Duration.ofSeconds(30))).as(bridge.status()).isTrue();
  }

  private static Observability start(InMemoryMetricReader reader) throws InterruptedException {
    Observability obs = KernelTestSupport.bridgeOnly(
            "service:\n  name: ebpf-it\nebpf:\n  poll_interval: 20ms\n"
                + "  programs:\n    syscalls: true\n    tcp_rtt: true\n")
        .addMetricReader(reader)
        .build();
    awaitAttached(obs);
    return obs;
  }

  @Test
  void kernelMetricsReachTheSdkAndShutdownUnloadsEverything() throws Exception {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    Observability obs = start(reader);
    EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
    assertThat(bridge.isActive()).as(bridge.status()).isTrue();
    assertThat(bridge.status()).isEqualTo("on: 5 programs attached, scope process");
    List<Integer> ids = new ArrayList<>();
    for (ProgramStatus p : bridge.kernelSession().orElseThrow().programs()) {
      if (p.up()) {
        ids.add(p.kernelId());
      }
    }

    String missing = "/nonexistent-obs-it/" + UUID.randomUUID();
    openMissing(missing);
    int refused;
    try (ServerSocket s = new ServerSocket(0)) {
      refused = s.getLocalPort();
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LOOPBACK, refused));
    } catch (ConnectException expected) {
      // measured by tcp.connect.duration{result=ECONNREFUSED}
    }
    int echo = echo(20, 5000);

    List<MetricData> metrics = new ArrayList<>();
    assertThat(
            await(
                () -> {
                  metrics.clear();
                  metrics.addAll(reader.collectAllMetrics());
                  Optional<LongPointData> sent =
                      sum(metrics, "tcp.bytes", Attributes.of(DIRECTION, "sent"));
                  return sent.isPresent() && sent.get().getValue() >= 200_000L;
                }))
        .as("tcp.bytes{direction=sent} after two closed 100 kB connections")
        .isTrue();

    assertThat(histogram(metrics, "syscall.duration", Attributes.of(SYSCALL, "openat", ERROR, "ENOENT")))
        .hasValueSatisfying(p -> assertThat(p.getCount()).isPositive());
    assertThat(
            histogram(metrics, "syscall.duration", Attributes.of(SYSCALL, "connect", ERROR, "ECONNREFUSED")))
        .hasValueSatisfying(p -> assertThat(p.getCount()).isEqualTo(1));
    assertThat(
            histogram(
                metrics,
                "tcp.connect.duration",
                Attributes.of(PEER, "127.0.0.1:" + refused, RESULT, "ECONNREFUSED")))
        .hasValueSatisfying(
            p -> {
              assertThat(p.getCount()).isEqualTo(1);
              assertThat(p.getSum()).isPositive().isLessThan(1.0);
            });
    assertThat(
            histogram(metrics, "tcp.connect.duration", Attributes.of(PEER, "127.0.0.1:" + echo, RESULT, "ok")))
        .hasValueSatisfying(p -> assertThat(p.getCount()).isEqualTo(1));
    assertThat(histogram(metrics, "tcp.rtt", Attributes.empty()))
        .hasValueSatisfying(p -> assertThat(p.getCount()).isPositive());
    MetricData up = find(metrics, "obs.ebpf.program.up");
    assertThat(up.getLongGaugeData().getPoints())
        .hasSize(5)
        .allSatisfy(p -> assertThat(p.getValue()).isEqualTo(1));
    assertThat(sum(metrics, "obs.ebpf.events.dropped", Attributes.empty()))
        .hasValueSatisfying(p -> assertThat(p.getValue()).isZero());

    Observability.shutdown();
    assertThat(bridge.isActive()).isFalse();
    assertThat(await(() -> ids.stream().noneMatch(EbpfBridgeIT::loaded)))
        .as("programs %s unloaded after shutdown", ids)
        .isTrue();

    InMemoryMetricReader again = InMemoryMetricReader.create();
    Observability second = start(again);
    assertThat(second.component(EbpfBridge.class).orElseThrow().isActive()).isTrue();
    openMissing(missing);
    assertThat(histogram(again.collectAllMetrics(), "syscall.duration", Attributes.of(SYSCALL, "openat", ERROR, "ENOENT")))
        .hasValueSatisfying(p -> assertThat(p.getCount()).isPositive());
  }

  private static void openMissing(String path) throws IOException {
    try {
      Files.newInputStream(Path.of(path)).close();
    } catch (NoSuchFileException expected) {
      return;
    }
    throw new AssertionError(path + " exists");
  }

  private static boolean loaded(int id) {
    try {
      return io.obs.ebpf.internal.BpfObject.programExists(id);
    } catch (BpfException e) {
      throw new AssertionError(e);
    }
  }

  private static int echo(int rounds, int size) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      Thread t =
          new Thread(
              () -> {
                try (Socket c = server.accept()) {
                  c.getInputStream().transferTo(c.getOutputStream());
                } catch (IOException e) {
                  // the client side reports failures
                }
              });
      t.start();
      try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
        byte[] msg = new byte[size];
        for (int i = 0; i < rounds; i++) {
          s.getOutputStream().write(msg);
          assertThat(s.getInputStream().readNBytes(size)).hasSize(size);
        }
      }
      t.join(10_000);
      return server.getLocalPort();
    }
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  private static MetricData find(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }

  private static Optional<HistogramPointData> histogram(
      Collection<MetricData> metrics, String name, Attributes attributes) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst();
  }

  private static Optional<LongPointData> sum(
      Collection<MetricData> metrics, String name, Attributes attributes) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst();
  }
}
