// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real JVM that calls {@code System.exit} right after producing spans: the shutdown hook must
 * deliver every one of them to a reachable backend before the process ends.
 */
class ShutdownHookIT {

  static final int SPANS = 300;

  /**
   * The child process: init from variables only, make spans, then exit without closing anything:
   * through {@code System.exit}, or (argument {@code return}) by returning from main with the
   * endpoint server running, which must not keep the JVM alive.
   */
  public static void main(String[] args) throws InterruptedException {
    Observability obs = Observability.init();
    for (int i = 0; i < SPANS; i++) {
      obs.tracer("hook").spanBuilder("span-" + i).startSpan().end();
    }
    if (args.length > 0 && args[0].equals("return")) {
      if (!obs.awaitStarted(java.time.Duration.ofSeconds(30)) || obs.serverPort().isEmpty()) {
        throw new IllegalStateException("the endpoint server did not start");
      }
      return;
    }
    System.exit(0);
  }

  @Test
  void theShutdownHookFlushesEverythingBeforeTheJvmExits() throws Exception {
    assertThat(runChild("exit", false)).hasSize(SPANS);
  }

  @Test
  void returningFromMainEndsTheJvmAndTheHookStillFlushes() throws Exception {
    assertThat(runChild("return", true)).hasSize(SPANS);
  }

  /** Runs the child against a loopback OTLP receiver; returns the span names it received. */
  private static List<String> runChild(String mode, boolean server) throws Exception {
    List<String> names = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/v1/traces", exchange -> {
      ExportTraceServiceRequest request =
          ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
      request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss ->
          ss.getSpansList().forEach(span -> names.add(span.getName()))));
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.flush();
      }
    });
    receiver.start();
    try {
      ProcessBuilder builder = new ProcessBuilder(
          ProcessHandle.current().info().command().orElse("java"),
          "-cp", System.getProperty("java.class.path"), ShutdownHookIT.class.getName(), mode);
      builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT",
          "http://127.0.0.1:" + receiver.getAddress().getPort());
      builder.environment().put("OTEL_SERVICE_NAME", "hook-test");
      // An hour: without the hook nothing would be exported before exit.
      builder.environment().put("OTEL_BSP_SCHEDULE_DELAY", "3600000");
      builder.environment().put("OBS_SERVER_ENABLED", Boolean.toString(server));
      builder.environment().put("OBS_SERVER_PORT", "0");
      builder.environment().put("OBS_SERVER_HOST", "127.0.0.1");
      // To a file, not a pipe: a child that never exits must fail the test, not hang it.
      java.nio.file.Path log = java.nio.file.Files.createTempFile("obs-hook-child", ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      Process child = builder.start();
      boolean exited = child.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = java.nio.file.Files.readString(log);
      java.nio.file.Files.deleteIfExists(log);
      assertThat(exited).as("the child JVM exited by itself; output:%n%s", output).isTrue();
      assertThat(child.exitValue()).as(output).isZero();
    } finally {
      receiver.stop(0);
    }
    return names;
  }
}
