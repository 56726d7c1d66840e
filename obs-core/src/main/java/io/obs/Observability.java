// SPDX-License-Identifier: Apache-2.0
package io.obs;

import io.obs.config.ObsConfig;
import io.obs.internal.HostSettings;
import io.obs.internal.Hosting;
import io.obs.internal.ObservabilityRuntime;
import io.obs.internal.RuntimeRequest;
import io.obs.spi.ObservabilityModule;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The entry point of obs: one call in {@code main} sets up logs, metrics and traces on one shared
 * OpenTelemetry SDK.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Observability obs = Observability.init();
 *   Tracer tracer = obs.tracer("shop");
 * }
 * }</pre>
 *
 * <p>{@link #init()} finds the configuration in this order: the system property {@code
 * obs.config}, the environment variable {@code OBS_CONFIG}, {@code ./obs.yaml}, {@code obs.yaml}
 * on the classpath, else defaults only. While an instance runs, {@code init()} returns it, however
 * it was started (by the application, or by a framework integration such as the Spring Boot
 * starter); a builder that asks for a different configuration fails. The instance is closed by
 * {@link #close()}, {@link #shutdown()} or the JVM shutdown hook, whichever comes first.
 *
 * @since 0.1.0
 */
public final class Observability implements AutoCloseable {

  private static final Object LOCK = new Object();
  private static @Nullable Observability current;

  static {
    Hosting.register(new Hosting.Access() {
      @Override
      public Observability build(Builder builder, HostSettings host) {
        builder.host = host;
        return builder.build();
      }

      @Override
      public ObservabilityRuntime runtime(Observability observability) {
        return observability.runtime;
      }
    });
  }

  private final ObservabilityRuntime runtime;
  private final RuntimeRequest request;

  private Observability(ObservabilityRuntime runtime, RuntimeRequest request) {
    this.runtime = runtime;
    this.request = request;
  }

  /** Initialises obs from the configuration it finds (see the class documentation). */
  public static Observability init() {
    return builder().build();
  }

  /** Initialises obs from one configuration file. */
  public static Observability init(Path configFile) {
    return builder().setConfigFile(configFile).build();
  }

  /** A builder for programmatic set-up and overrides. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The running instance.
   *
   * @throws IllegalStateException when {@code init()} has not run or the instance was closed
   */
  public static Observability get() {
    synchronized (LOCK) {
      if (current == null) {
        throw new IllegalStateException(
            "obs is not initialised: call Observability.init() at the start of main()");
      }
      return current;
    }
  }

  /** Flushes and closes the running instance, if any; a later {@code init()} starts afresh. */
  public static void shutdown() {
    Observability instance;
    synchronized (LOCK) {
      instance = current;
    }
    if (instance != null) {
      instance.close();
    }
  }

  /** The shared OpenTelemetry API (a no-op one when obs is disabled). */
  public OpenTelemetry openTelemetry() {
    return runtime.openTelemetry();
  }

  /** A tracer for the given instrumentation scope. */
  public Tracer tracer(String instrumentationScope) {
    Objects.requireNonNull(instrumentationScope, "instrumentationScope");
    return runtime.openTelemetry().getTracer(instrumentationScope);
  }

  /** A meter for the given instrumentation scope. */
  public Meter meter(String instrumentationScope) {
    Objects.requireNonNull(instrumentationScope, "instrumentationScope");
    return runtime.openTelemetry().getMeter(instrumentationScope);
  }

  /** The resolved configuration. */
  public ObsConfig config() {
    return runtime.config();
  }

  /** The resource every signal carries. */
  public Resource resource() {
    return runtime.resource();
  }

  /**
   * The endpoint server's bound port, or empty when the server is off or could not bind. Waits
   * for start-up (see {@link #awaitStarted}).
   */
  public Optional<Integer> serverPort() {
    return runtime.serverPort();
  }

  /**
   * A component published by a module, e.g. obs-metrics' {@code MeterRegistry}. Waits for
   * start-up when the component is not published yet (see {@link #awaitStarted}).
   */
  public <T> Optional<T> component(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return runtime.component(type);
  }

  /** Names of the modules that started, in start order. Waits for start-up. */
  public List<String> modules() {
    return runtime.startedModules();
  }

  /**
   * Waits until start-up has finished or the timeout passed, and returns whether it has.
   *
   * <p>{@code init()} returns as soon as the SDK is built: tracers, meters and the OpenTelemetry
   * API work from then on. The endpoint server and the modules' own start (Micrometer's registry
   * and JVM metrics, the logging back end, the BPF programs) finish on a background thread, and
   * {@code /readyz} answers 503 until they have. {@link #serverPort()}, {@link #component} and
   * {@link #modules()} wait for it by themselves; call this where code needs everything running
   * before it goes on. With {@code fail_fast: true} start-up happens inside {@code init()}.
   *
   * @since 0.1.0
   */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    return runtime.awaitStarted(timeout);
  }

  /** Whether telemetry is switched off ({@code enabled: false} or {@code OTEL_SDK_DISABLED}). */
  public boolean isNoop() {
    return runtime.isNoop();
  }

  /**
   * Stops the modules, flushes every signal and closes the SDK within {@code shutdown.timeout}.
   * Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
    synchronized (LOCK) {
      if (current == this) {
        current = null;
      }
    }
  }

  /** Builds (and starts) obs with programmatic overrides; mostly for tests and frameworks. */
  public static final class Builder {
    private @Nullable Path configFile;
    private @Nullable String configYaml;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private @Nullable Map<String, String> environment;
    private @Nullable Map<String, String> systemProperties;
    private final List<SpanExporter> spanExporters = new ArrayList<>();
    private final List<MetricReader> metricReaders = new ArrayList<>();
    private final List<LogRecordExporter> logRecordExporters = new ArrayList<>();
    private @Nullable List<ObservabilityModule> modules;
    private boolean registerGlobal = true;
    private @Nullable HostSettings host;

    private Builder() {}

    /** Reads this file instead of searching for {@code obs.yaml}. */
    public Builder setConfigFile(Path file) {
      this.configFile = Objects.requireNonNull(file, "file");
      this.configYaml = null;
      return this;
    }

    /** Reads this YAML text instead of a file (errors name it {@code <inline>}). */
    public Builder setConfigYaml(String yaml) {
      this.configYaml = Objects.requireNonNull(yaml, "yaml");
      this.configFile = null;
      return this;
    }

    /** Sets a key, above every other source. */
    public Builder set(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Reads environment variables from this map instead of the process environment. */
    public Builder setEnvironment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Reads system properties from this map instead of the JVM's. */
    public Builder setSystemProperties(Map<String, String> properties) {
      this.systemProperties = Map.copyOf(properties);
      return this;
    }

    /** Adds a span exporter beside the configured one, behind its own batch processor. */
    public Builder addSpanExporter(SpanExporter exporter) {
      spanExporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /** Adds a metric reader beside the configured ones. */
    public Builder addMetricReader(MetricReader reader) {
      metricReaders.add(Objects.requireNonNull(reader, "reader"));
      return this;
    }

    /** Adds a log record exporter beside the configured one, behind its own batch processor. */
    public Builder addLogRecordExporter(LogRecordExporter exporter) {
      logRecordExporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /** Uses exactly these modules instead of discovering them with {@code ServiceLoader}. */
    public Builder setModules(List<ObservabilityModule> modules) {
      this.modules = List.copyOf(modules);
      return this;
    }

    /** Whether to register the SDK as {@code GlobalOpenTelemetry} (default true). */
    public Builder setRegisterGlobal(boolean registerGlobal) {
      this.registerGlobal = registerGlobal;
      return this;
    }

    /**
     * Resolves the configuration and starts obs, or returns the running instance: always for a
     * builder given nothing but defaults (what {@code init()} uses), otherwise when it was started
     * with an equal configuration.
     *
     * @throws io.obs.config.ObsConfigException when the configuration is invalid
     * @throws IllegalStateException when obs already runs with a different configuration
     */
    public Observability build() {
      RuntimeRequest request =
          new RuntimeRequest(
              configFile,
              configYaml,
              overrides,
              environment != null ? environment : System.getenv(),
              systemProperties != null ? systemProperties : RuntimeRequest.jvmProperties(),
              spanExporters,
              metricReaders,
              logRecordExporters,
              modules,
              registerGlobal,
              host);
      synchronized (LOCK) {
        if (current != null) {
          return request.isPlain() ? current : current.reuseFor(request);
        }
        ObservabilityRuntime runtime = ObservabilityRuntime.start(request);
        Observability instance = new Observability(runtime, request);
        runtime.onClose(instance::detach);
        current = instance;
        return instance;
      }
    }
  }

  private Observability reuseFor(RuntimeRequest other) {
    ObsConfig otherConfig = ObservabilityRuntime.resolveConfig(other);
    if (otherConfig.equals(config()) && request.sameComponents(other)) {
      return this;
    }
    if (other.host() != null) {
      // The application called init() before its framework started: the framework uses that
      // instance, and says so when its own settings would have made a different one.
      System.getLogger("io.obs").log(System.Logger.Level.WARNING,
          "obs: Observability.init() ran before " + other.host().name() + " started, so "
              + other.host().name() + " uses that instance; obs settings made in "
              + other.host().name() + "'s configuration (obs.* properties) do not apply. Leave"
              + " the init() call out and let the starter initialise obs, or move those"
              + " settings to obs.yaml.");
      return this;
    }
    throw new IllegalStateException(
        "obs is already initialised with a different configuration (from "
            + config().file().map(Path::toString).orElse("defaults and overrides")
            + "). Call Observability.get() to use the running instance, or"
            + " Observability.shutdown() before initialising again.");
  }

  private void detach() {
    synchronized (LOCK) {
      if (current == this) {
        current = null;
      }
    }
  }
}
