// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.config.ConfigKey;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfigException;
import io.obs.spi.ModuleContext;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

  @AfterEach
  void shutDown() {
    Observability.shutdown();
    GlobalOpenTelemetry.resetForTest();
  }

  private static Observability.Builder quiet() {
    return Observability.builder()
        .setConfigYaml("")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of("sun.java.command", "com.acme.HelloApp"))
        .setModules(List.of())
        .set("server.port", "0")
        .set("server.host", "127.0.0.1")
        .set("shutdown.hook", "false");
  }

  @Test
  void initWithoutAnyConfigurationWorksAndDerivesTheServiceName() {
    Observability obs = quiet().build();

    assertThat(obs.config().get(CoreKeys.SERVICE_NAME)).isEqualTo("hello-app");
    assertThat(obs.resource().getAttribute(
        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"))).isEqualTo("hello-app");
    assertThat(obs.config().get(CoreKeys.TRACES_EXPORTER)).isEqualTo("none");
    assertThat(obs.serverPort()).hasValueSatisfying(port -> assertThat(port).isPositive());
    assertThat(obs.isNoop()).isFalse();
    Span span = obs.tracer("test").spanBuilder("works").startSpan();
    assertThat(span.getSpanContext().isValid()).isTrue();
    span.end();
    assertThat(Observability.get()).isSameAs(obs);
  }

  @Test
  void secondInitWithTheSameConfigurationReturnsTheSameInstance() {
    Observability first = quiet().build();
    Observability second = quiet().build();

    assertThat(second).isSameAs(first);
  }

  @Test
  void secondInitWithADifferentConfigurationFailsClearly() {
    quiet().build();

    assertThatThrownBy(() -> quiet().set("service.name", "other").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already initialised with a different configuration")
        .hasMessageContaining("Observability.shutdown()");
  }

  @Test
  void initAfterShutdownStartsAfresh() {
    Observability first = quiet().build();
    Observability.shutdown();
    Observability second = quiet().set("service.name", "again").build();

    assertThat(second).isNotSameAs(first);
    assertThat(second.config().get(CoreKeys.SERVICE_NAME)).isEqualTo("again");
  }

  @Test
  void getBeforeInitExplainsWhatToDo() {
    assertThatThrownBy(Observability::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call Observability.init()");
  }

  @Test
  void invalidConfigurationStartsNothing() {
    assertThatThrownBy(() -> quiet().setConfigYaml("server:\n  threads: 0\n").build())
        .isInstanceOf(ObsConfigException.class);

    assertThatThrownBy(Observability::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shutdownFlushesEverythingAcceptedBefore() {
    Collecting.Spans spans = new Collecting.Spans();
    Collecting.Logs logs = new Collecting.Logs();
    // A schedule delay of an hour: only the shutdown flush can deliver these.
    Observability obs = quiet()
        .set("traces.batch.schedule_delay", "1h")
        .addSpanExporter(spans)
        .addLogRecordExporter(logs)
        .build();
    Tracer tracer = obs.tracer("test");
    for (int i = 0; i < 500; i++) {
      tracer.spanBuilder("span-" + i).startSpan().end();
      obs.openTelemetry().getLogsBridge().get("test").logRecordBuilder().setBody("log-" + i)
          .emit();
    }
    assertThat(spans.received).isEmpty();

    obs.close();

    assertThat(spans.received).hasSize(500);
    assertThat(logs.received).extracting(LogRecordData::getBodyValue).hasSize(500);
  }

  @Test
  void disabledGivesWorkingNoopTelemetry() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    Observability obs = quiet().setEnvironment(Map.of("OTEL_SDK_DISABLED", "true"))
        .addSpanExporter(spans).build();

    Span span = obs.tracer("test").spanBuilder("nothing").startSpan();
    span.end();
    obs.meter("test").counterBuilder("c").build().add(1);

    assertThat(obs.isNoop()).isTrue();
    assertThat(span.isRecording()).isFalse();
    assertThat(obs.serverPort()).isEmpty();
    obs.close();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void registersGlobalOpenTelemetryAndReleasesItOnClose() {
    Observability obs = quiet().setRegisterGlobal(true).build();

    assertThat(GlobalOpenTelemetry.get().getTracer("x").spanBuilder("s").startSpan()
        .getSpanContext().isValid()).isTrue();
    obs.close();
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void globalAlreadySetByOthersDoesNotCrash() {
    GlobalOpenTelemetry.set(OpenTelemetry.noop());

    Observability obs = quiet().setRegisterGlobal(true).build();

    assertThat(obs.tracer("t").spanBuilder("s").startSpan().getSpanContext().isValid()).isTrue();
  }

  @Test
  void modulesConfigureStartPublishAndStopInOrder() {
    List<String> events = new CopyOnWriteArrayList<>();
    Collecting.Spans spans = new Collecting.Spans();
    RecordingModule first = new RecordingModule("first", 1, events);
    RecordingModule second = new RecordingModule("second", 2, events);

    Observability obs = quiet().setModules(List.of(second, first))
        .setConfigYaml("first:\n  greeting: hi\n")
        .addSpanExporter(spans)
        .build();
    obs.tracer("t").spanBuilder("s").startSpan().end();
    // Waits for the modules to start (on obs's start-up thread); a close() before would stop
    // the start-up between two modules instead.
    assertThat(obs.modules()).containsExactly("first", "second");
    obs.close();

    assertThat(events).containsExactly("configure first hi", "configure second hello",
        "start first", "start second", "stop second", "stop first");
    assertThat(obs.modules()).isEmpty();
    assertThat(spans.received).singleElement().satisfies(span ->
        assertThat(span.getAttributes().asMap()).containsKeys(
            io.opentelemetry.api.common.AttributeKey.stringKey("first"),
            io.opentelemetry.api.common.AttributeKey.stringKey("second")));
  }

  @Test
  void publishedComponentsAreReachableFromTheHandle() {
    List<String> events = new ArrayList<>();
    Observability obs = quiet().setModules(List.of(new RecordingModule("first", 1, events)))
        .build();

    assertThat(obs.component(StringBuilder.class)).hasValueSatisfying(
        builder -> assertThat(builder.toString()).isEqualTo("published by first"));
    assertThat(obs.modules()).containsExactly("first");
  }

  @Test
  void aModuleCanBeSwitchedOff() {
    List<String> events = new ArrayList<>();
    Observability obs = quiet().setModules(List.of(new RecordingModule("first", 1, events)))
        .set("modules.first.enabled", "false")
        .build();

    assertThat(events).isEmpty();
    assertThat(obs.modules()).isEmpty();
  }

  @Test
  void moduleKeysAreValidatedWithCoreKeys() {
    assertThatThrownBy(() -> quiet()
        .setModules(List.of(new RecordingModule("first", 1, new ArrayList<>())))
        .setConfigYaml("first:\n  greting: hi\n")
        .build())
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("<inline>:2:3")
        .hasMessageContaining("did you mean 'first.greeting'?");
  }

  @Test
  void moduleValidationProblemsJoinTheConfigurationError() {
    RecordingModule module = new RecordingModule("first", 1, new ArrayList<>()) {
      @Override
      public List<io.obs.config.ConfigProblem> validate(io.obs.config.ObsConfig config) {
        return List.of(new io.obs.config.ConfigProblem(
            config.sourceOf(greeting()), "first.greeting", "must be polite"));
      }
    };

    assertThatThrownBy(() -> quiet().setModules(List.of(module))
        .setConfigYaml("first:\n  greeting: oi\nserver:\n  threads: 0\n").build())
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("<inline>:4:12: 'server.threads'")
        .hasMessageContaining("<inline>:2:13: 'first.greeting': must be polite");
  }

  @Test
  void aFailingModuleDoesNotTakeTheApplicationDown() {
    ObservabilityModule broken = new ObservabilityModule() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public void start(ModuleContext context) {
        throw new IllegalStateException("boom");
      }
    };

    Observability obs = quiet().setModules(List.of(broken)).build();

    assertThat(obs.modules()).isEmpty();
    assertThat(obs.tracer("t").spanBuilder("s").startSpan().getSpanContext().isValid()).isTrue();
  }

  @Test
  void failFastMakesAFailingModuleFatal() {
    ObservabilityModule broken = new ObservabilityModule() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public void configure(SdkSetup setup) {
        throw new IllegalStateException("boom");
      }
    };

    assertThatThrownBy(() -> quiet().setModules(List.of(broken)).set("fail_fast", "true").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("module 'broken' failed to configure");
    assertThatThrownBy(Observability::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aModuleTheConfigurationRequiresFailsInitEvenWithoutFailFast() {
    ObservabilityModule required = new ObservabilityModule() {
      @Override
      public String name() {
        return "required";
      }

      @Override
      public void configure(SdkSetup setup) {
        throw new io.obs.spi.ModuleRequirementException("the kernel says no");
      }
    };

    assertThatThrownBy(() -> quiet().setModules(List.of(required)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("module 'required' is required by the configuration")
        .hasMessageContaining("the kernel says no");
    assertThatThrownBy(Observability::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void twoModulesSettingTheSamplerIsAClearError() {
    ObservabilityModule a = samplerModule("a");
    ObservabilityModule b = samplerModule("b");

    assertThatThrownBy(() -> quiet().setModules(List.of(a, b)).set("fail_fast", "true").build())
        .hasMessageContaining("module b sets the sampler, but module a already did");
  }

  @Test
  void aDeadBackendNeverBlocksTheApplicationAndFailuresAreCounted() {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SpanExporter dead = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofFailure();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    // Point OTLP at a closed loopback port: every export fails fast with a refused connection.
    Observability obs = quiet()
        .set("traces.exporter", "otlp")
        .set("exporter.endpoint", "http://127.0.0.1:" + closedPort())
        .set("exporter.timeout", "500ms")
        .set("traces.batch.queue_size", "64")
        .set("traces.batch.schedule_delay", "10ms")
        .addSpanExporter(dead)
        .addMetricReader(metrics)
        .build();
    Tracer tracer = obs.tracer("t");
    long[] nanos = new long[2_000];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      tracer.spanBuilder("s").startSpan().end();
      nanos[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(nanos);
    ((io.opentelemetry.sdk.OpenTelemetrySdk) obs.openTelemetry()).getSdkTracerProvider()
        .forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);
    var collected = metrics.collectAllMetrics();
    obs.close();

    // Not a timing assertion of speed: an application thread that waited on the exporter would
    // wait its 500 ms timeout once the queue is full, for most of the 2 000 spans. One slow span
    // is a loaded machine (a GC, the JIT), not a wait, so the p99 is what is asserted.
    assertThat(nanos[nanos.length * 99 / 100]).isLessThan(100_000_000L);
    assertThat(collected).anySatisfy(metric -> {
      assertThat(metric.getName()).isEqualTo("obs.exporter.items");
      assertThat(metric.getLongSumData().getPoints()).anySatisfy(point -> {
        assertThat(point.getAttributes().asMap().values()).contains("otlp", "failure");
        assertThat(point.getValue()).isPositive();
      });
    });
    // A full queue drops before the batch processor, counted per exporter.
    assertThat(collected).anySatisfy(metric -> {
      assertThat(metric.getName()).isEqualTo("obs.exporter.items");
      assertThat(metric.getLongSumData().getPoints()).anySatisfy(point -> {
        assertThat(point.getAttributes().asMap().values()).contains("otlp", "dropped");
        assertThat(point.getValue()).isPositive();
      });
    });
  }

  private static int closedPort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ObservabilityModule samplerModule(String name) {
    return new ObservabilityModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void configure(SdkSetup setup) {
        setup.setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOn());
      }
    };
  }

  /** A module that records its lifecycle and tags spans with its name. */
  private static class RecordingModule implements ObservabilityModule {
    private final String name;
    private final int order;
    private final List<String> events;
    private final ConfigKey<String> greeting;

    RecordingModule(String name, int order, List<String> events) {
      this.name = name;
      this.order = order;
      this.events = events;
      this.greeting = ConfigKey.string(name + ".greeting").defaultValue("hello").build();
    }

    ConfigKey<String> greeting() {
      return greeting;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int order() {
      return order;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
      return List.of(greeting);
    }

    @Override
    public void configure(SdkSetup setup) {
      events.add("configure " + name + " " + setup.config().get(greeting));
      setup.addSpanProcessor(new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
          span.setAttribute(name, "seen");
        }

        @Override
        public boolean isStartRequired() {
          return true;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
          return false;
        }
      });
    }

    @Override
    public void start(ModuleContext context) {
      events.add("start " + name);
      if (order == 1) {
        context.publish(StringBuilder.class, new StringBuilder("published by " + name));
      }
    }

    @Override
    public void stop() {
      events.add("stop " + name);
    }
  }
}
