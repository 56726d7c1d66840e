// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.config.ObsConfig;
import io.obs.spi.ModuleContext;
import io.obs.spi.ModuleRequirementException;
import io.obs.spi.ObservabilityModule;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code init()} returns once the SDK is built; the endpoint server and the modules' {@code start}
 * follow on the {@code obs-start} thread. A module whose start blocks until the test releases it
 * makes the in-between state observable.
 */
class StartUpTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch inStart = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<String> startedOn = new AtomicReference<>();

  @AfterEach
  void shutDown() {
    release.countDown();
    Observability.shutdown();
    GlobalOpenTelemetry.resetForTest();
  }

  /** Publishes a String component, then blocks in start() until released. */
  private ObservabilityModule slow(boolean requiresInit, RuntimeException failure) {
    return new ObservabilityModule() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public boolean requiresStartInInit(ObsConfig config) {
        return requiresInit;
      }

      @Override
      public void start(ModuleContext context) throws InterruptedException {
        startedOn.set(Thread.currentThread().getName());
        context.publish(StringBuilder.class, new StringBuilder("early"));
        inStart.countDown();
        if (failure != null) {
          throw failure;
        }
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
        context.publish(String.class, "started");
      }

      @Override
      public void stop() {
        stopped.countDown();
      }
    };
  }

  private static Observability.Builder builder(ObservabilityModule module, int port) {
    return Observability.builder()
        .setConfigYaml("service:\n  name: start-up-test\n")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .setModules(List.of(module))
        .setRegisterGlobal(false)
        .set("traces.exporter", "none")
        .set("metrics.exporter", "none")
        .set("logs.exporter", "none")
        .set("server.port", Integer.toString(port))
        .set("server.host", "127.0.0.1")
        .set("shutdown.hook", "false");
  }

  @Test
  void initReturnsWithAWorkingSdkWhileModulesStartOnTheStartThread() throws Exception {
    int port = freePort();
    Observability obs = builder(slow(false, null), port).build();

    assertThat(inStart.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(startedOn.get()).isEqualTo("obs-start");
    // The SDK works before start-up has finished.
    io.opentelemetry.api.trace.Span span = obs.tracer("t").spanBuilder("during start-up")
        .startSpan();
    assertThat(span.isRecording()).isTrue();
    assertThat(span.getSpanContext().isValid()).isTrue();
    span.end();
    assertThat(obs.awaitStarted(Duration.ofMillis(50))).isFalse();
    // Published already: no wait.
    assertThat(obs.component(StringBuilder.class)).isPresent();
    HttpResponse<String> starting = get(port, "/readyz");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("\"start\"").contains("starting: module slow");
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

    release.countDown();
    // Not published yet when asked: waits for start-up to finish.
    assertThat(obs.component(String.class)).contains("started");
    assertThat(obs.modules()).containsExactly("slow");
    assertThat(obs.serverPort()).contains(port);
    HttpResponse<String> ready = get(port, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"start\"").contains("started");
  }

  @Test
  void closeDuringStartUpWaitsForTheModuleAndStopsIt() throws Exception {
    Observability obs = builder(slow(false, null), 0).build();
    assertThat(inStart.await(10, TimeUnit.SECONDS)).isTrue();

    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      release.countDown();
    });
    releaser.start();
    obs.close();
    releaser.join(10_000);

    assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the module that was starting is stopped")
        .isTrue();
    assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
    assertThat(obs.modules()).isEmpty();
  }

  @Test
  void failFastStartsInsideInitAndAFailedStartFailsIt() {
    assertThatThrownBy(() -> builder(slow(false, new IllegalStateException("boom")), 0)
            .set("fail_fast", "true")
            .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("module 'slow' failed to start");
    assertThat(startedOn.get()).isEqualTo(Thread.currentThread().getName());
    assertThat(stopped.getCount()).isZero();
    assertThatThrownBy(Observability::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aModuleThatRequiresItStartsInsideInitAndItsRequirementFailsInit() {
    assertThatThrownBy(() -> builder(
                slow(true, new ModuleRequirementException("the kernel says no")), 0)
            .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("module 'slow' is required by the configuration")
        .hasMessageContaining("the kernel says no");
    assertThat(startedOn.get()).isEqualTo(Thread.currentThread().getName());
    assertThatThrownBy(Observability::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailedStartInTheBackgroundIsLoggedAndTheRestRuns() throws Exception {
    int port = freePort();
    Observability obs = builder(slow(false, new IllegalStateException("boom")), port).build();

    assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
    assertThat(obs.modules()).isEmpty();
    assertThat(stopped.getCount()).as("stopped after its failed start").isZero();
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void onConfiguredActionsRunInsideInitAfterEveryModuleConfigured() {
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    ObservabilityModule first = onConfigured("first", calls,
        () -> calls.add("configured on " + Thread.currentThread().getName()));
    ObservabilityModule second = onConfigured("second", calls, () -> {
      throw new IllegalStateException("late boom");
    });
    Observability obs = withoutServer(List.of(first, second)).build();

    assertThat(calls).containsExactly("configure first", "configure second",
        "configured on " + Thread.currentThread().getName());
    obs.close();
    assertThatThrownBy(() -> withoutServer(List.of(second)).set("fail_fast", "true").build())
        .hasMessageContaining("module 'second' failed to configure")
        .hasMessageContaining("late boom");
  }

  /** A module that records its configure() and asks for the action once all are configured. */
  private static ObservabilityModule onConfigured(String name, List<String> calls,
      Runnable action) {
    return new ObservabilityModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void configure(io.obs.spi.SdkSetup setup) {
        calls.add("configure " + name);
        setup.onConfigured(action);
      }
    };
  }

  private static Observability.Builder withoutServer(List<ObservabilityModule> modules) {
    return Observability.builder()
        .setConfigYaml("service:\n  name: start-up-test\n")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .setModules(modules)
        .setRegisterGlobal(false)
        .set("server.enabled", "false")
        .set("shutdown.hook", "false");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
