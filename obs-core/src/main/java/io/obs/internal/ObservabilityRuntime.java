// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.internal.redact.Redaction;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. One running obs: the SDK, the endpoint server and the
 * started modules, and the order in which they start and stop.
 */
public final class ObservabilityRuntime {

  /** How long the accessors that report the started state wait for a start still running. */
  private static final long START_WAIT_SECONDS = 30;

  private final ObsConfig config;
  private final Resource resource;
  private final OpenTelemetry openTelemetry;
  private final @Nullable OpenTelemetrySdk sdk;
  private final List<ObservabilityModule> configured;
  private final String summary;
  private final @Nullable String host;
  private final Readiness readiness = new Readiness();
  private final long createdNanos;
  private final long initNanos;
  private volatile long startedNanos;
  private volatile @Nullable EndpointServerImpl server; // written under started
  private final List<ObservabilityModule> started = new ArrayList<>();
  private String starting = "none"; // guarded by started
  private final CountDownLatch startDone = new CountDownLatch(1);
  private volatile @Nullable Thread startThread;
  private final Map<Class<?>, Object> components;
  private final List<Runnable> closeCallbacks = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean registeredGlobal;
  private @Nullable Thread shutdownHook;

  private ObservabilityRuntime(ObsConfig config, Resource resource, OpenTelemetry openTelemetry,
      @Nullable OpenTelemetrySdk sdk, List<ObservabilityModule> configured, String summary,
      Map<Class<?>, Object> components, @Nullable String host, long createdNanos) {
    this.config = config;
    this.resource = resource;
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.configured = List.copyOf(configured);
    this.summary = summary;
    this.components = components;
    this.host = host;
    this.createdNanos = createdNanos;
    this.initNanos = System.nanoTime();
    if (sdk == null) {
      startDone.countDown(); // nothing to start
    }
    // Before the endpoint server's first request: until every module has started, /readyz (and
    // a framework's health endpoint) says so.
    readiness.add("start", this::startReadiness);
  }

  /**
   * obs-core's own log lines go through {@link System.Logger}; it is looked up on first use
   * because finding the logger back end (JUL or SLF4J) is a good part of a cold start.
   */
  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }

  /** Resolves the configuration a request would run with, without starting anything. */
  public static ObsConfig resolveConfig(RuntimeRequest request) {
    return load(request, modules(request));
  }

  // Module checks run only for enabled modules: a switched-off module's keys are not its concern.
  private static ObsConfig load(RuntimeRequest request, List<ObservabilityModule> modules) {
    return ConfigLoader.load(request, allKeys(modules), config -> {
      List<ConfigProblem> problems = new ArrayList<>(Redaction.validate(config));
      for (ObservabilityModule module : modules) {
        if (config.get(CoreKeys.moduleEnabled(module.name()))) {
          problems.addAll(module.validate(config));
        }
      }
      return problems;
    });
  }

  /**
   * Validates the configuration, builds the SDK and starts the modules, or starts nothing and
   * throws.
   *
   * <p>What the caller needs at once happens before this returns: the configuration is checked,
   * every module has contributed to the SDK, the SDK is built and registered as {@code
   * GlobalOpenTelemetry}, so tracers and meters work. The rest (binding the endpoint server and
   * each module's {@code start}) runs on one daemon thread, {@code obs-start} (see {@link
   * StartThread}, which detects the resource meanwhile), because it is most
   * of the start-up cost (Micrometer's registry and JVM binders, the logging back end, the BPF
   * programs) and none of it has to hold up {@code main}. Whatever reports the started state
   * ({@link #serverPort()}, {@link #component}, {@link #startedModules()}) waits for it; {@code
   * /readyz} is 503 until it is done. With {@code fail_fast: true}, or a module that {@link
   * ObservabilityModule#requiresStartInInit requires it}, it runs here instead, so a failure still
   * fails {@code init()}.
   *
   * @throws io.obs.config.ObsConfigException when the configuration is invalid
   */
  public static ObservabilityRuntime start(RuntimeRequest request) {
    long startNanos = System.nanoTime();
    ResourceFactory resources = ResourceFactory.forThisProcess();
    StartThread startThread = StartThread.begin(resources, request);
    try {
      return start(request, startNanos, resources, startThread);
    } finally {
      startThread.handOver(null); // no effect once start-up was handed over
    }
  }

  private static ObservabilityRuntime start(RuntimeRequest request, long startNanos,
      ResourceFactory resources, StartThread startThread) {
    List<ObservabilityModule> modules = modules(request);
    ObsConfig config = load(request, modules);
    String host = request.host() == null ? null : request.host().name();
    Map<Class<?>, Object> components = new ConcurrentHashMap<>();
    if (!config.get(CoreKeys.ENABLED)) {
      log().log(System.Logger.Level.INFO,
          "obs: telemetry is disabled (" + config.sourceOf(CoreKeys.ENABLED)
              + "); the OpenTelemetry API and every module's components work as no-ops");
      publishDisabled(modules, components);
      return disabled(config, components, host, startNanos);
    }
    boolean failFast = config.get(CoreKeys.FAIL_FAST);
    String incompatible = incompatibleOpenTelemetry();
    if (incompatible != null) {
      return cannotRun(incompatible, null, config, modules, List.of(), components, host,
          startNanos, failFast);
    }
    Resource resource = resources.create(config, startThread.detectedResource());

    SdkContributions contributions = new SdkContributions(config, resource, components, host);
    List<ObservabilityModule> configured = new ArrayList<>();
    for (ObservabilityModule module : modules) {
      if (!config.get(CoreKeys.moduleEnabled(module.name()))) {
        publishDisabled(List.of(module), components);
        continue;
      }
      contributions.setCurrentModule(module.name());
      try {
        module.configure(contributions);
        configured.add(module);
      } catch (Exception | LinkageError e) {
        moduleFailed(module.name(), "configure", e,
            failFast || e instanceof ModuleRequirementException);
        // Its documented components still work, as no-ops, so the application goes on.
        publishDisabled(List.of(module), components);
      }
    }
    SdkFactory.Built built;
    try {
      built = new SdkFactory(config, resource, contributions, request).build();
    } catch (LinkageError e) {
      String cause = incompatibleOpenTelemetry();
      return cannotRun(cause != null ? cause : "the OpenTelemetry SDK cannot be built: " + e, e,
          config, modules, configured, components, host, startNanos, failFast);
    }
    OpenTelemetrySdk sdk = built.sdk();

    ObservabilityRuntime runtime = new ObservabilityRuntime(config, resource, sdk, sdk,
        configured, built.summary(), components, host, startNanos);
    runtime.registerGlobal(request.registerGlobal());
    for (SdkContributions.ConfiguredAction configuredAction : contributions.configuredActions) {
      try {
        configuredAction.action().run();
      } catch (RuntimeException | LinkageError e) {
        if (failFast) {
          runtime.close();
        }
        moduleFailed(configuredAction.module(), "configure", e, failFast);
        // As for a failed configure(): its documented components still work, as no-ops.
        for (ObservabilityModule module : configured) {
          if (module.name().equals(configuredAction.module())) {
            publishDisabled(List.of(module), components);
          }
        }
      }
    }
    if (config.get(CoreKeys.SHUTDOWN_HOOK)) {
      runtime.installShutdownHook();
    }
    boolean inline = failFast;
    for (ObservabilityModule module : configured) {
      inline |= module.requiresStartInInit(config);
    }
    if (inline) {
      runtime.startThread = Thread.currentThread();
      runtime.startModules(true, failFast);
    } else {
      runtime.startThread = startThread.thread();
      startThread.handOver(() -> runtime.startModules(false, false));
    }
    return runtime;
  }

  private static ObservabilityRuntime disabled(ObsConfig config,
      Map<Class<?>, Object> components, @Nullable String host, long startNanos) {
    return new ObservabilityRuntime(config, Resource.empty(), OpenTelemetry.noop(), null,
        List.of(), "", components, host, startNanos);
  }

  /**
   * OpenTelemetry's API or SDK older than obs's: obs cannot build its SDK, so it says what to
   * change and, unless {@code fail_fast}, lets the application run without telemetry.
   */
  private static @Nullable String incompatibleOpenTelemetry() {
    String[][] artifacts = {
      {"io.opentelemetry:opentelemetry-api", "io.opentelemetry.api.OpenTelemetry"},
      {"io.opentelemetry:opentelemetry-sdk-trace", "io.opentelemetry.sdk.trace.SdkTracerProvider"},
      {"io.opentelemetry:opentelemetry-sdk-metrics", "io.opentelemetry.sdk.metrics.SdkMeterProvider"},
      {"io.opentelemetry:opentelemetry-sdk-logs", "io.opentelemetry.sdk.logs.SdkLoggerProvider"},
    };
    for (String[] artifact : artifacts) {
      Optional<String> problem =
          Dependencies.tooOld(artifact[0], artifact[1], "opentelemetry", "opentelemetry.version");
      if (problem.isPresent()) {
        return problem.get();
      }
    }
    return null;
  }

  private static ObservabilityRuntime cannotRun(String reason, @Nullable Throwable error,
      ObsConfig config, List<ObservabilityModule> modules, List<ObservabilityModule> configured,
      Map<Class<?>, Object> components, @Nullable String host, long startNanos,
      boolean failFast) {
    // Modules that configured may have attached themselves (Micrometer's global registry):
    // undo that before their no-op components take the real ones' place.
    for (ObservabilityModule module : configured) {
      stopQuietly(module, null);
    }
    if (failFast) {
      throw new IllegalStateException("obs cannot run: " + reason, error);
    }
    log().log(System.Logger.Level.ERROR, "obs: telemetry is off because obs cannot run on this"
        + " class path: " + reason + ". The application goes on with no-op telemetry"
        + " (fail_fast: true makes this fatal).", error);
    components.clear();
    publishDisabled(modules, components);
    return disabled(config, components, host, startNanos);
  }

  /** Each module's no-op components; a type already published (by a failed module) is kept. */
  private static void publishDisabled(List<ObservabilityModule> modules,
      Map<Class<?>, Object> components) {
    for (ObservabilityModule module : modules) {
      try {
        module.publishDisabled(new io.obs.spi.Components() {
          @Override
          public <T> void publish(Class<T> type, T component) {
            components.putIfAbsent(type, type.cast(component));
          }

          @Override
          public <T> void publishLazily(Class<T> type, Supplier<? extends T> factory) {
            components.putIfAbsent(type, new LazyComponent<>(type, factory));
          }
        });
      } catch (RuntimeException | LinkageError e) {
        log().log(System.Logger.Level.ERROR, "obs: module '" + module.name()
            + "' could not publish its no-op components: " + e, e);
      }
    }
  }

  /**
   * Binds the endpoint server and starts the configured modules in order, then logs the one
   * start-up line. {@code inline} runs inside {@code init()} ({@code fail_fast}, or a module that
   * requires it): a fatal failure ({@code fail_fast}, or a {@link ModuleRequirementException})
   * closes everything and throws. In the background a failure is logged and the rest goes on; a
   * {@link #close()} that comes meanwhile stops it between two modules.
   */
  private void startModules(boolean inline, boolean failFast) {
    try {
      startServer(inline && failFast);
      for (ObservabilityModule module : configured) {
        synchronized (started) {
          if (closed.get()) {
            return;
          }
          starting = module.name();
        }
        try {
          module.start(contextFor(module));
        } catch (Exception | LinkageError e) {
          stopQuietly(module, e);
          boolean fatal = inline && (failFast || e instanceof ModuleRequirementException);
          if (fatal) {
            close();
          }
          moduleFailed(module, "start", e, fatal);
          continue;
        }
        boolean keep;
        synchronized (started) {
          keep = !closed.get();
          if (keep) {
            started.add(module);
          }
        }
        if (!keep) {
          stopQuietly(module, null);
          return;
        }
      }
      startedNanos = System.nanoTime();
      log().log(System.Logger.Level.INFO, startedLine());
    } catch (RuntimeException | Error e) {
      if (inline) {
        throw e;
      }
      log().log(System.Logger.Level.ERROR, "obs: start-up stopped: " + e, e);
    } finally {
      startDone.countDown();
    }
  }

  private void startServer(boolean failFast) {
    if (!config.get(CoreKeys.SERVER_ENABLED)) {
      return;
    }
    try {
      EndpointServerImpl created = EndpointServerImpl.bind(EndpointSettings.from(config),
          readiness, openTelemetry.getMeter(SelfTelemetry.SCOPE));
      try {
        created.start();
      } catch (RuntimeException e) {
        created.stop();
        throw e;
      }
      synchronized (started) {
        if (closed.get()) {
          created.stop();
          return;
        }
        server = created;
      }
    } catch (IOException | RuntimeException e) {
      String message = "obs: the endpoint server cannot listen on "
          + config.get(CoreKeys.SERVER_HOST) + ":" + config.get(CoreKeys.SERVER_PORT) + " ("
          + e + "); /healthz, /readyz and /metrics are unavailable. "
          + (e.getMessage() != null && e.getMessage().startsWith("server.tls.")
              ? "Fix server.tls.*, or server.enabled: false."
              : "Set server.port to a free port, 0 for any, or server.enabled: false.");
      if (failFast) {
        close();
        throw new IllegalStateException(message, e);
      }
      log().log(System.Logger.Level.ERROR, message);
    }
  }

  private ReadinessCheck.Result startReadiness() {
    if (startDone.getCount() == 0) {
      return ReadinessCheck.Result.ready("started");
    }
    return ReadinessCheck.Result.notReady("starting: module " + currentlyStarting());
  }

  private String startedLine() {
    String serviceName = config.get(CoreKeys.SERVICE_NAME);
    EndpointServerImpl endpoints = server;
    return "obs: started service '" + serviceName + "'"
        + config.find(CoreKeys.SERVICE_ENVIRONMENT).map(e -> " in " + e).orElse("")
        + (config.sourceOf(CoreKeys.SERVICE_NAME).startsWith("derived")
            ? " (service.name is not configured, so it was " + config.sourceOf(CoreKeys.SERVICE_NAME)
                + "; set service.name in obs.yaml or OTEL_SERVICE_NAME)"
            : "")
        + (host != null ? " under " + host : "")
        + "; modules " + startedNames() + "; " + summary
        + (endpoints != null ? "; endpoints on " + endpoints.address() : "")
        + "; configuration: " + config.origin()
        + " (init " + TimeUnit.NANOSECONDS.toMillis(initNanos - createdNanos) + " ms, started "
        + TimeUnit.NANOSECONDS.toMillis(startedNanos - createdNanos) + " ms)";
  }

  private static void stopQuietly(ObservabilityModule module, @Nullable Throwable failure) {
    try {
      module.stop();
    } catch (Exception | LinkageError stopFailure) {
      if (failure != null) {
        failure.addSuppressed(stopFailure);
      } else {
        log().log(System.Logger.Level.WARNING,
            "obs: module '" + module.name() + "' did not stop cleanly: " + stopFailure);
      }
    }
  }

  private static void moduleFailed(ObservabilityModule module, String phase, Throwable e,
      boolean fatal) {
    moduleFailed(module.name(), phase, e, fatal);
  }

  private static void moduleFailed(String module, String phase, Throwable e, boolean fatal) {
    String message = e instanceof ModuleRequirementException
        ? "obs: module '" + module + "' is required by the configuration but cannot "
            + phase + ": " + e.getMessage()
        : "obs: module '" + module + "' failed to " + phase + ": " + e
            + (e instanceof LinkageError ? linkageHint(module) : "");
    if (fatal) {
      throw new IllegalStateException(message, e);
    }
    log().log(System.Logger.Level.ERROR, message + "; the application goes on without it"
        + " (fail_fast: true makes this fatal)", e);
  }

  /** A class missing at run time is nearly always a library older than obs's, chosen by a BOM. */
  private static String linkageHint(String module) {
    return " (a class obs-" + module + " was compiled against is missing or changed: a library on"
        + " the class path is probably older than obs needs; import io.obs:obs-bom before other"
        + " BOMs in <dependencyManagement>, see docs/spring-boot.md)";
  }

  private static List<ObservabilityModule> modules(RuntimeRequest request) {
    List<ObservabilityModule> modules = new ArrayList<>();
    if (request.modules() != null) {
      modules.addAll(request.modules());
    } else {
      java.util.Iterator<ObservabilityModule> found =
          ServiceLoader.load(ObservabilityModule.class, ObservabilityRuntime.class.getClassLoader())
              .iterator();
      while (true) {
        try {
          if (!found.hasNext()) {
            break;
          }
          modules.add(found.next());
        } catch (java.util.ServiceConfigurationError | LinkageError e) {
          // A module whose class cannot even load (a dependency missing or too old) is left
          // out like one that fails to configure.
          log().log(System.Logger.Level.ERROR, "obs: a module on the class path cannot be"
              + " loaded and is left out: " + e
              + (e.getCause() != null ? " (" + e.getCause() + ")" : ""), e);
        }
      }
    }
    Set<String> names = new HashSet<>();
    for (ObservabilityModule module : modules) {
      if (!names.add(module.name())) {
        throw new IllegalStateException("two obs modules are named '" + module.name()
            + "'; is the same module on the classpath twice?");
      }
    }
    modules.sort(new StartOrder());
    return modules;
  }

  /**
   * By order, then name. A class rather than Comparator.comparingInt(...).thenComparing(...):
   * each lambda and method reference is bootstrapped on first use, measurable in a cold start.
   */
  private static final class StartOrder implements Comparator<ObservabilityModule> {
    @Override
    public int compare(ObservabilityModule a, ObservabilityModule b) {
      int byOrder = Integer.compare(a.order(), b.order());
      return byOrder != 0 ? byOrder : a.name().compareTo(b.name());
    }
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
      log().log(System.Logger.Level.WARNING,
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
        readiness.add(module.name() + "." + name, check);
      }

      @Override
      public <T> void publish(Class<T> type, T component) {
        publishComponent(components, type, component);
      }

      @Override
      public <T> void publishLazily(Class<T> type, Supplier<? extends T> factory) {
        ObservabilityRuntime.publishLazily(components, type, factory);
      }

      @Override
      public <T> Optional<T> component(Class<T> type) {
        return published(type);
      }

      @Override
      public Optional<String> host() {
        return Optional.ofNullable(host);
      }
    };
  }

  /** Adds a component to a runtime's components; a type is published once. */
  static <T> void publishComponent(Map<Class<?>, Object> components, Class<T> type, T component) {
    if (!type.isInstance(component)) {
      throw new IllegalArgumentException(component + " is not a " + type.getName());
    }
    if (components.putIfAbsent(type, component) != null) {
      throw new IllegalStateException("a component of type " + type.getName()
          + " is already published");
    }
  }

  public ObsConfig config() {
    return config;
  }

  /** The readiness checks: start-up and every module's, as {@code /readyz} reports them. */
  public Readiness readiness() {
    return readiness;
  }

  /** The framework that started obs, if one did. */
  public Optional<String> host() {
    return Optional.ofNullable(host);
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

  /** The bound port once start-up has bound it; waits for a start still running. */
  public Optional<Integer> serverPort() {
    awaitStartQuietly();
    EndpointServerImpl endpoints = server;
    return endpoints == null ? Optional.empty() : Optional.of(endpoints.port());
  }

  /** A published component; waits for a start still running when it is not published yet. */
  public <T> Optional<T> component(Class<T> type) {
    Optional<T> found = published(type);
    if (found.isPresent()) {
      return found;
    }
    awaitStartQuietly();
    return published(type);
  }

  /** A component published so far, without waiting for a start still running. */
  public <T> Optional<T> published(Class<T> type) {
    return published(components, type);
  }

  static <T> Optional<T> published(Map<Class<?>, Object> components, Class<T> type) {
    Object found = components.get(type);
    if (found instanceof LazyComponent<?> lazy) {
      found = lazy.get();
    }
    return Optional.ofNullable(type.cast(found));
  }

  /** Adds a component built on first lookup to a runtime's components. */
  static <T> void publishLazily(Map<Class<?>, Object> components, Class<T> type,
      Supplier<? extends T> factory) {
    if (components.putIfAbsent(type, new LazyComponent<>(type, factory)) != null) {
      throw new IllegalStateException("a component of type " + type.getName()
          + " is already published");
    }
  }

  /** A component that is built when it is first looked up, once, by whichever thread asks. */
  private static final class LazyComponent<T> {
    private final Class<T> type;
    private final Supplier<? extends T> factory;
    private @Nullable T built;

    LazyComponent(Class<T> type, Supplier<? extends T> factory) {
      this.type = type;
      this.factory = factory;
    }

    synchronized T get() {
      T component = built;
      if (component == null) {
        component = type.cast(Objects.requireNonNull(factory.get(), "factory result"));
        built = component;
      }
      return component;
    }
  }

  /** Names of the started modules; waits for a start still running. */
  public List<String> startedModules() {
    awaitStartQuietly();
    return startedNames();
  }

  private List<String> startedNames() {
    synchronized (started) {
      return started.stream().map(ObservabilityModule::name).toList();
    }
  }

  /**
   * Waits until the background start-up has finished (every module started or failed, the
   * start-up line logged) or the timeout passed; returns whether it has finished.
   */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    if (Thread.currentThread() == startThread) {
      return false; // a module asking from its own start() would wait for itself
    }
    return startDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void awaitStartQuietly() {
    if (startDone.getCount() == 0) {
      return;
    }
    try {
      if (!awaitStarted(Duration.ofSeconds(START_WAIT_SECONDS))
          && Thread.currentThread() != startThread) {
        log().log(System.Logger.Level.WARNING, "obs: start-up has not finished after "
            + START_WAIT_SECONDS + " s (still starting module " + currentlyStarting()
            + "); answering with what has started so far");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String currentlyStarting() {
    synchronized (started) {
      return starting;
    }
  }

  /** Runs when this runtime closes, however it closes. */
  public void onClose(Runnable callback) {
    synchronized (closeCallbacks) {
      closeCallbacks.add(callback);
    }
  }

  /**
   * Stops modules in reverse order, then flushes and shuts the SDK down, all within {@code
   * shutdown.timeout}. Idempotent; safe from the shutdown hook.
   *
   * <p>The work runs on a thread of its own, {@code obs-close}, and this method returns at the
   * deadline whatever that thread is still waiting for: a module's stop or an exporter blocked on
   * a blackholed backend (Micrometer's OTLP registry publishes synchronously when closed; the
   * SDK's metric reader joins its export) must not hold up the application's exit. What did not
   * finish is reported on standard error, because logging may already have stopped.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Duration timeout = config.get(CoreKeys.SHUTDOWN_TIMEOUT);
    long deadline = System.nanoTime() + timeout.toNanos();
    ShutdownProgress progress = new ShutdownProgress();
    // Called from the start-up itself (a fatal failure while starting inline): waiting for the
    // start to finish would wait for this very call.
    boolean waitForStart = Thread.currentThread() != startThread;
    Thread worker = new Thread(() -> shutDown(deadline, progress, waitForStart), "obs-close");
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(remainingMillis(deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String incomplete = progress.incomplete(worker.isAlive());
    if (incomplete != null) {
      System.err.println("obs: not everything was exported before shutdown.timeout ("
          + timeout.toMillis() + " ms): " + incomplete + ". The backend may be unreachable or"
          + " slow; raise shutdown.timeout to wait longer.");
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

  /** What the closing thread got through, for the report when the deadline cuts it short. */
  private static final class ShutdownProgress {
    volatile String step = "starting to close";
    volatile boolean done;
    final java.util.Map<String, CompletableResultCode> flushes =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** What did not finish or failed, or null when everything was delivered. */
    @Nullable String incomplete(boolean stillRunning) {
      List<String> parts = new ArrayList<>();
      if (stillRunning || !done) {
        parts.add("the deadline passed while " + step);
      }
      for (String signal : List.of("spans", "metrics", "logs")) {
        CompletableResultCode flush = flushes.get(signal);
        if (flush == null) {
          if (stillRunning || !done) {
            parts.add(signal + " were not flushed");
          }
        } else if (!flush.isDone()) {
          parts.add(signal + " were still being exported");
        } else if (!flush.isSuccess()) {
          parts.add("exporting " + signal + " failed");
        }
      }
      return parts.isEmpty() ? null : String.join("; ", parts);
    }
  }

  /** The closing steps, in order, each bounded by what is left of the deadline. */
  private void shutDown(long deadline, ShutdownProgress progress, boolean waitForStart) {
    // A start still running stops between two modules once it sees closed; wait for the module
    // it is in, within the deadline, so that module is stopped here and not left running.
    if (startThread != null && waitForStart) { // null: init() failed before start-up began
      progress.step = "waiting for the start-up to finish";
      try {
        awaitStarted(Duration.ofMillis(remainingMillis(deadline) / 2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ObservabilityModule> toStop;
    EndpointServerImpl endpoints;
    synchronized (started) {
      toStop = new ArrayList<>(started);
      started.clear();
      endpoints = server;
    }
    // Reverse order: the eBPF bridge first (its last kernel events become spans and log
    // records), logging last (its queue drains into the log export), then the SDK's flush.
    for (int i = toStop.size() - 1; i >= 0; i--) {
      progress.step = "stopping module '" + toStop.get(i).name() + "'";
      try {
        toStop.get(i).stop();
      } catch (Exception | LinkageError e) {
        log().log(System.Logger.Level.WARNING,
            "obs: module '" + toStop.get(i).name() + "' did not stop cleanly: " + e);
      }
    }
    if (endpoints != null) {
      endpoints.stop();
    }
    readiness.close();
    if (sdk != null) {
      // Flush first: shutdown() of each provider would flush too, but one flush of all three
      // lets spans, metrics and logs share the deadline fairly.
      progress.step = "flushing spans, metrics and logs";
      progress.flushes.put("spans", sdk.getSdkTracerProvider().forceFlush());
      progress.flushes.put("metrics", sdk.getSdkMeterProvider().forceFlush());
      progress.flushes.put("logs", sdk.getSdkLoggerProvider().forceFlush());
      CompletableResultCode.ofAll(progress.flushes.values())
          .join(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      progress.step = "shutting the SDK down";
      sdk.shutdown().join(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    }
    progress.done = true;
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
