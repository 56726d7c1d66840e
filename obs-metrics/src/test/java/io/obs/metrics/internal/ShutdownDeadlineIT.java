// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.obs.metrics.ObsMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A blackholed backend (it accepts connections and never answers) with every exporter pushing to
 * it, Micrometer's OTLP registry included: {@code close()} returns at {@code shutdown.timeout},
 * not at the exporters' own timeouts, and says on standard error what it could not deliver.
 */
class ShutdownDeadlineIT {

  @Test
  void closeKeepsItsDeadlineWhenTheBackendNeverAnswers() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          for (int i = 0; i < 200; i++) {
            held.add(blackhole.accept()); // read nothing, answer nothing
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      }, "blackhole");
      acceptor.setDaemon(true);
      acceptor.start();

      Observability obs = Observability.builder()
          .setModules(List.of(new MetricsModule()))
          .setEnvironment(Map.of())
          .setSystemProperties(Map.of())
          .setRegisterGlobal(false)
          .set("service.name", "blackholed")
          .set("server.enabled", "false")
          .set("shutdown.hook", "false")
          .set("exporter.endpoint", "http://127.0.0.1:" + blackhole.getLocalPort())
          .set("exporter.timeout", "30s")
          .set("traces.exporter", "otlp")
          .set("logs.exporter", "otlp")
          .set("metrics.exporter", "both")
          .set("traces.batch.export_timeout", "30s")
          .set("shutdown.timeout", "2s")
          .build();
      for (int i = 0; i < 100; i++) {
        obs.tracer("t").spanBuilder("s" + i).startSpan().end();
      }
      obs.component(ObsMetrics.class).orElseThrow().counter("work").labels().increment();
      obs.meter("t").counterBuilder("otel.work").build().add(1);

      PrintStream stderr = System.err;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      long start = System.nanoTime();
      try {
        obs.close();
      } finally {
        System.setErr(stderr);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("ShutdownDeadlineIT: close() took " + took.toMillis()
          + " ms with shutdown.timeout 2s and every exporter's own timeout 30s");

      // 2 s, with room for a loaded 2-core machine; the exporters alone would take 30 s.
      assertThat(took).isLessThan(Duration.ofMillis(4_000));
      assertThat(captured.toString(StandardCharsets.UTF_8))
          .contains("obs: not everything was exported before shutdown.timeout (2000 ms)")
          .contains("the deadline passed while");
      blackhole.close();
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
