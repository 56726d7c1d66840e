// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.server.EndpointServer;
import io.obs.server.ReadinessCheck;
import io.obs.spi.ModuleContext;
import io.obs.spi.ModuleRequirementException;
import io.obs.spi.ObservabilityModule;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. One running obs: the SDK, the endpoint server and the
 * started modules, and the order in which they start and stop.
 */
public final class ObservabilityRuntime {

  private static final System.Logger LOG = System.getLogger("io.obs");

  private final ObsConfig config;
  private final Resource resource;
  private final OpenTelemetry openTelemetry;
  private final @Nullable OpenTelemetrySdk sdk;
  private final @Nullable EndpointServerImpl server;
  private final List<ObservabilityModule> started = new ArrayList<>();
  private final Map<Class<?>, Object> components = new ConcurrentHashMap<>();
  private final List<Runnable> closeCallbacks = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean registeredGlobal;
  private @Nullable Thread shutdownHook;

  private ObservabilityRuntime(ObsConfig config, Resource resource, OpenTelemetry openTelemetry,
      @Nullable OpenTelemetrySdk sdk, @Nullable EndpointServerImpl server) {
    this.config = config;
    this.resource = resource;
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.server = server;
  }

  /** Resolves the configuration a request would run with, without starting anything. */
  public static ObsConfig resolveConfig(RuntimeRequest request) {
    return load(request, modules(request));
  }

  // Module checks run only for enabled modules: a switched-off module's keys are not its concern.
  private static ObsConfig load(RuntimeRequest request, List<ObservabilityModule> modules) {
    return ConfigLoader.load(request, allKeys(modules), config -> {
      List<ConfigProblem> problems = new ArrayList<>();
      for (ObservabilityModule module : modules) {
        if (config.get(CoreKeys.moduleEnabled(module.name()))) {
          problems.addAll(module.validate(config));
        }
      }
      return problems;
    });
  }

  /**
   * Validates the configuration and starts everything, or starts nothing and throws.
   *
   * @throws io.obs.config.ObsConfigException when the configuration is invalid
   */
  public static ObservabilityRuntime start(RuntimeRequest request) {
    long startNanos = System.nanoTime();
    List<ObservabilityModule> modules = modules(request);
    ObsConfig config = load(request, modules);
    if (!config.get(CoreKeys.ENABLED)) {
      LOG.log(System.Logger.Level.INFO,
          "obs: telemetry is disabled (" + config.sourceOf(CoreKeys.ENABLED)
              + "); the OpenTelemetry API works as a no-op");
      return new ObservabilityRuntime(config, Resource.empty(), OpenTelemetry.noop(), null, null);
    }
    if (config.sourceOf(CoreKeys.SERVICE_NAME).startsWith("derived")) {
      LOG.log(System.Logger.Level.INFO,
          "obs: service.name is not configured; using '" + config.get(CoreKeys.SERVICE_NAME)
              + "' (" + config.sourceOf(CoreKeys.SERVICE_NAME)
              + "). Set service.name in obs.yaml or OTEL_SERVICE_NAME.");
    }
    Resource resource = ResourceFactory.forThisProcess()
        .create(config, request.environment(), request.systemProperties());
    boolean failFast = config.get(CoreKeys.FAIL_FAST);

    List<ObservabilityModule> active = new ArrayList<>();
    for (ObservabilityModule module : modules) {
      if (config.get(CoreKeys.moduleEnabled(module.name()))) {
        active.add(module);
      }
    }
    SdkContributions contributions = new SdkContributions(config, resource);
    List<ObservabilityModule> configured = new ArrayList<>();
    for (ObservabilityModule module : active) {
      contributions.setCurrentModule(module.name());
      try {
        module.configure(contributions);
        configured.add(module);
      } catch (Exception e) {
        moduleFailed(module, "configure", e, failFast);
      }
    }
    SdkFactory.Built built = new SdkFactory(config, resource, contributions, request).build();
    OpenTelemetrySdk sdk = built.sdk();

    EndpointServerImpl server = null;
    if (config.get(CoreKeys.SERVER_ENABLED)) {
      try {
        server = EndpointServerImpl.start(
            config.get(CoreKeys.SERVER_HOST),
            config.get(CoreKeys.SERVER_PORT),
            config.get(CoreKeys.SERVER_THREADS),
            config.get(CoreKeys.SERVER_MAX_REQUEST_BYTES),
            config.get(CoreKeys.SERVER_READINESS_TIMEOUT),
            config.get(CoreKeys.SERVER_PATHS_HEALTH),
            config.get(CoreKeys.SERVER_PATHS_READY),
            config.get(CoreKeys.SERVICE_NAME));
      } catch (IOException | RuntimeException e) {
        String message = "obs: the endpoint server cannot listen on "
            + config.get(CoreKeys.SERVER_HOST) + ":" + config.get(CoreKeys.SERVER_PORT) + " ("
            + e + "); /healthz, /readyz and /metrics are unavailable. Set server.port to a free"
            + " port, 0 for any, or server.enabled: false.";
        if (failFast) {
          sdk.shutdown().join(1, TimeUnit.SECONDS);
          throw new IllegalStateException(message, e);
        }
        LOG.log(System.Logger.Level.ERROR, message);
      }
    }

    ObservabilityRuntime runtime = new ObservabilityRuntime(config, resource, sdk, sdk, server);
    runtime.registerGlobal(request.registerGlobal());
    for (ObservabilityModule module : configured) {
      try {
        module.start(runtime.contextFor(module));
        runtime.started.add(module);
      } catch (Exception e) {
        try {
          module.stop();
        } catch (Exception stopFailure) {
          e.addSuppressed(stopFailure);
        }
        if (failFast || e instanceof ModuleRequirementException) {
          runtime.close();
        }
        moduleFailed(module, "start", e, failFast);
      }
    }
    if (config.get(CoreKeys.SHUTDOWN_HOOK)) {
      runtime.installShutdownHook();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    LOG.log(System.Logger.Level.INFO,
        "obs: started service '" + config.get(CoreKeys.SERVICE_NAME) + "'"
            + config.find(CoreKeys.SERVICE_ENVIRONMENT).map(e -> " in " + e).orElse("")
            + "; modules " + runtime.startedModules() + "; " + built.summary()
            + (server != null ? "; endpoints on " + server.address() : "")
            + " (" + millis + " ms)");
    return runtime;
  }

  private static void moduleFailed(ObservabilityModule module, String phase, Exception e,
      boolean failFast) {
    if (e instanceof ModuleRequirementException required) {
      throw new IllegalStateException("obs: module '" + module.name() + "' is required by the"
          + " configuration but cannot " + phase + ": " + required.getMessage(), required);
    }
    String message = "obs: module '" + module.name() + "' failed to " + phase + ": " + e
        + (failFast ? "" : "; the application goes on without it (fail_fast: true makes this"
            + " fatal)");
    if (failFast) {
      throw new IllegalStateException(message, e);
    }
    LOG.log(System.Logger.Level.ERROR, message, e);
  }

  private static List<ObservabilityModule> modules(RuntimeRequest request) {
    List<ObservabilityModule> modules = new ArrayList<>();
    if (request.modules() != null) {
      modules.addAll(request.modules());
    } else {
      ServiceLoader.load(ObservabilityModule.class, ObservabilityRuntime.class.getClassLoader())
          .forEach(modules::add);
    }
    Set<String> names = new HashSet<>();
    for (ObservabilityModule module : modules) {
      if (!names.add(module.name())) {
        throw new IllegalStateException("two obs modules are named '" + module.name()
            + "'; is the same module on the classpath twice?");
      }
    }
    modules.sort(Comparator.comparingInt(ObservabilityModule::order)
        .thenComparing(ObservabilityModule::name));
    return modules;
  }

  private static List<ConfigKey<?>> allKeys(List<ObservabilityModule> modules) {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.ALL);
    for (ObservabilityModule module : modules) {
      keys.add(CoreKeys.moduleEnabled(module.name()));
      keys.addAll(module.configKeys());
    }
    return keys;
  }

  private void registerGlobal(boolean wanted) {
    if (!wanted) {
      return;
    }
    try {
      GlobalOpenTelemetry.set(openTelemetry);
      registeredGlobal = true;
    } catch (IllegalStateException e) {
      LOG.log(System.Logger.Level.WARNING,
          "obs: GlobalOpenTelemetry was already set by other code before Observability.init(),"
              + " so libraries that use GlobalOpenTelemetry keep sending to that instance, not"
              + " to obs. obs itself works: use Observability.get().openTelemetry(). To fix it,"
              + " call Observability.init() first thing in main() (before any library touches"
              + " GlobalOpenTelemetry), or remove the other set-up (e.g. the OpenTelemetry"
              + " Java agent or autoconfigure). It was first set at " + firstSetAt(e) + ".");
    }
  }

  // GlobalOpenTelemetry keeps the stack of the first set() as the cause; name its caller.
  private static String firstSetAt(IllegalStateException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return "an unknown place";
    }
    for (StackTraceElement frame : cause.getStackTrace()) {
      if (!frame.getClassName().startsWith("io.opentelemetry.api.")) {
        return frame.toString();
      }
    }
    return "an unknown place";
  }

  private void installShutdownHook() {
    Thread hook = new Thread(this::close, "obs-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      shutdownHook = hook;
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; close() runs from wherever shutdown was asked.
    }
  }

  private ModuleContext contextFor(ObservabilityModule module) {
    return new ModuleContext() {
      @Override
      public ObsConfig config() {
        return config;
      }

      @Override
      public OpenTelemetry openTelemetry() {
        return openTelemetry;
      }

      @Override
      public Resource resource() {
        return resource;
      }

      @Override
      public Meter selfMeter() {
        return openTelemetry.getMeter(SelfTelemetry.SCOPE);
      }

      @Override
      public @Nullable EndpointServer server() {
        return server;
      }

      @Override
      public void addReadinessCheck(String name, ReadinessCheck check) {
        if (server != null) {
          server.addReadinessCheck(module.name() + "." + name, check);
        }
      }

      @Override
      public <T> void publish(Class<T> type, T component) {
        if (!type.isInstance(component)) {
          throw new IllegalArgumentException(component + " is not a " + type.getName());
        }
        if (components.putIfAbsent(type, component) != null) {
          throw new IllegalStateException("a component of type " + type.getName()
              + " is already published");
        }
      }

      @Override
      public <T> Optional<T> component(Class<T> type) {
        return ObservabilityRuntime.this.component(type);
      }
    };
  }

  public ObsConfig config() {
    return config;
  }

  public Resource resource() {
    return resource;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public boolean isNoop() {
    return sdk == null;
  }

  public Optional<Integer> serverPort() {
    return server == null ? Optional.empty() : Optional.of(server.port());
  }

  public <T> Optional<T> component(Class<T> type) {
    return Optional.ofNullable(type.cast(components.get(type)));
  }

  public List<String> startedModules() {
    synchronized (started) {
      return started.stream().map(ObservabilityModule::name).toList();
    }
  }

  /** Runs when this runtime closes, however it closes. */
  public void onClose(Runnable callback) {
    synchronized (closeCallbacks) {
      closeCallbacks.add(callback);
    }
  }

  /**
   * Stops modules in reverse order, then flushes and shuts the SDK down within {@code
   * shutdown.timeout}. Idempotent; safe from the shutdown hook.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + config.get(CoreKeys.SHUTDOWN_TIMEOUT).toNanos();
    List<ObservabilityModule> toStop;
    synchronized (started) {
      toStop = new ArrayList<>(started);
      started.clear();
    }
    for (int i = toStop.size() - 1; i >= 0; i--) {
      try {
        toStop.get(i).stop();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING,
            "obs: module '" + toStop.get(i).name() + "' did not stop cleanly: " + e);
      }
    }
    if (server != null) {
      server.stop();
    }
    if (sdk != null) {
      // flush first: shutdown() of each provider would flush too, but one flush of all three
      // lets spans, metrics and logs share the deadline fairly.
      CompletableResultCode flushed = CompletableResultCode.ofAll(List.of(
          sdk.getSdkTracerProvider().forceFlush(),
          sdk.getSdkMeterProvider().forceFlush(),
          sdk.getSdkLoggerProvider().forceFlush()));
      flushed.join(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      CompletableResultCode shutdown = sdk.shutdown();
      shutdown.join(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      if (!flushed.isSuccess() || !shutdown.isSuccess()) {
        LOG.log(System.Logger.Level.WARNING,
            "obs: not everything was exported before shutdown.timeout ("
                + config.get(CoreKeys.SHUTDOWN_TIMEOUT).toMillis() + " ms) ran out or an"
                + " exporter failed; the backend may be unreachable");
      }
    }
    if (registeredGlobal) {
      // So that a later init() in the same JVM can register again.
      GlobalOpenTelemetry.resetForTest();
      registeredGlobal = false;
    }
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutdown is in progress; the hook will find this runtime closed and return.
      }
    }
    List<Runnable> callbacks;
    synchronized (closeCallbacks) {
      callbacks = new ArrayList<>(closeCallbacks);
    }
    callbacks.forEach(Runnable::run);
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
