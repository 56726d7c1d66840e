// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.validate.Validated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.internal.Dependencies;
import io.obs.internal.redact.Redaction;
import io.obs.internal.redact.Redactor;
import io.obs.metrics.MetricsKeys;
import io.obs.metrics.ObsMetrics;
import io.obs.server.EndpointServer;
import io.obs.spi.Components;
import io.obs.spi.ModuleContext;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.ExplicitBucketHistogramOptions;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The metrics module. One pipeline, so nothing is counted twice: OpenTelemetry API instruments
 * stay in the SDK's meter provider and are read by an OpenTelemetry {@link PrometheusMetricReader};
 * Micrometer meters live in a {@link PrometheusMeterRegistry}. The reader is registered as a
 * collector on the Micrometer registry's own {@link PrometheusRegistry}, so one scrape of that
 * registry shows both, each instrument exactly once.
 */
public final class MetricsModule implements ObservabilityModule {

  /** Looked up on first use: finding the logging back end is costly in a cold start. */
  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }

  /** Duration histograms recorded by obs-tracing and OpenTelemetry instrumentations, in seconds. */
  static final List<String> DURATION_INSTRUMENTS =
      List.of(
          "http.server.request.duration",
          "http.client.request.duration",
          "rpc.server.call.duration",
          "rpc.client.call.duration");

  /** gRPC durations of older semantic conventions, recorded in milliseconds. */
  static final List<String> LEGACY_MS_INSTRUMENTS = List.of("rpc.server.duration", "rpc.client.duration");

  private @Nullable PrometheusMetricReader reader;
  private @Nullable MeterRegistry registry;
  private @Nullable PrometheusMeterRegistry prometheus;
  // A plain application's published registry until start() attaches the real ones to it.
  private @Nullable DeferredRegistry deferred;
  private @Nullable MeterRegistry realRegistry;
  private final CountDownLatch attached = new CountDownLatch(1);
  private List<Double> buckets = List.of();
  private Map<String, String> commonLabels = Map.of();
  private Supplier<Redactor> redaction = Redactor::disabled;
  private @Nullable JvmMetricsBinder jvmMetrics;
  private boolean global;

  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public int order() {
    return 100;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MetricsKeys.ALL;
  }

  /** Bad {@code metrics.*} values, reported by obs-core with every other configuration problem. */
  @Override
  public List<ConfigProblem> validate(ObsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    try {
      parseBuckets(config.get(MetricsKeys.HTTP_BUCKETS));
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem(config.sourceOf(MetricsKeys.HTTP_BUCKETS),
          MetricsKeys.HTTP_BUCKETS.path(), e.getMessage()));
    }
    for (String label : config.get(MetricsKeys.COMMON_LABELS).keySet()) {
      if (!isLabelName(label) || label.startsWith("__")) {
        problems.add(new ConfigProblem(config.sourceOf(MetricsKeys.COMMON_LABELS),
            MetricsKeys.COMMON_LABELS.path(), "'" + label + "' is not a valid label name"
                + " (letters, digits and _, not starting with a digit or __)"));
      }
    }
    return problems;
  }

  /**
   * Publishes a working Micrometer registry with {@link ObsMetrics} before {@code init()} returns,
   * so what the application records from its next statement on is kept.
   *
   * <p>In a plain application that registry is a {@link DeferredRegistry}: the real registries
   * (the Prometheus one above all, whose classes are about half of a cold {@code init()}) are
   * built by {@link #start} on obs's start-up thread, and what was recorded meanwhile is replayed
   * into them, so {@code init()} does not wait for them and nothing is lost. Under a framework
   * (Spring Boot) the real registries are built here: the framework takes them one by one as
   * beans and applies its meter filters to each before any meter exists.
   */
  @Override
  public void configure(SdkSetup setup) {
    String incompatible = incompatibleLibraries();
    if (incompatible != null) {
      throw new IllegalStateException(incompatible);
    }
    ObsConfig config = setup.config();
    buckets = parseBuckets(config.get(MetricsKeys.HTTP_BUCKETS));
    commonLabels = commonLabels(config, setup.resource());
    boolean enabled = config.get(CoreKeys.METRICS_ENABLED);
    if (enabled) {
      registerViews(setup, buckets);
      if (servesPrometheus(config)) {
        reader = PrometheusMetricReader.builder().build();
        setup.addMetricReader(reader);
      }
      jvmMetrics = new JvmMetricsBinder(config);
      setup.publish(JvmMetricsBinder.class, jvmMetrics);
    }
    redaction = Redaction.lazy(config);
    MeterRegistry top;
    if (setup.host().isPresent()) {
      top = buildRegistries(config, setup.resource());
      publishPrometheus(setup);
    } else {
      DeferredRegistry deferred = new DeferredRegistry(Clock.SYSTEM);
      this.deferred = deferred;
      top = deferred;
      if (prometheusWanted(config)) {
        setup.publishLazily(PrometheusMeterRegistry.class, this::built);
        setup.publishLazily(PrometheusRegistry.class, () -> built().getPrometheusRegistry());
      }
    }
    if (config.get(CoreKeys.REDACTION_ENABLED)) {
      top.config().meterFilter(new RedactedTags(redaction));
    }
    registry = top;
    // Under a framework (Spring Boot) the framework adds its meter filters to this registry and
    // then adds it to the global registry; a meter registered before that would make Micrometer
    // warn and miss those filters.
    if (setup.host().isEmpty()) {
      Metrics.globalRegistry.add(top);
      global = true;
    }
    setup.publish(MeterRegistry.class, top);
    setup.publish(ObsMetrics.class, metrics(config, top, buckets, commonLabels.keySet()));
  }

  /**
   * The real registries, one or a composite of several: Prometheus, OTLP push, console, or an
   * in-memory one when metrics leave the process no other way.
   */
  private MeterRegistry buildRegistries(ObsConfig config, Resource resource) {
    String exporter =
        config.get(CoreKeys.METRICS_ENABLED) ? config.get(CoreKeys.METRICS_EXPORTER) : "none";
    List<MeterRegistry> children = new ArrayList<>();
    if (prometheusWanted(config)) {
      String incompatible = incompatibleRegistry();
      if (incompatible != null) {
        throw new IllegalStateException(incompatible);
      }
      PrometheusMeterRegistry built = prometheusRegistry(config, commonLabels);
      PrometheusMetricReader otel = reader;
      if (otel != null) {
        // OpenTelemetry instruments join the same scrape from the start: whoever scrapes the
        // registry directly (Spring Boot's /actuator/prometheus) sees them as soon as it can.
        built.getPrometheusRegistry().register(
            new OtelCollector(otel, commonLabels, micrometerNames(built), redaction));
      }
      prometheus = built;
      children.add(built);
    }
    if (exporter.equals("otlp") || exporter.equals("both")) {
      MeterRegistry otlp = PushRegistries.otlp(config, resource);
      if (otlp != null) {
        children.add(otlp);
      }
    }
    if (exporter.equals("console")) {
      children.add(PushRegistries.console(config.get(CoreKeys.METRICS_EXPORT_INTERVAL)));
    }
    if (children.isEmpty()) {
      // Application code keeps working with metrics off; values stay in memory only.
      children.add(new SimpleMeterRegistry());
    }
    for (MeterRegistry child : children) {
      if (child != prometheus) {
        child.config().commonTags(tags(commonLabels));
      }
    }
    return children.size() == 1 ? children.get(0) : composite(children);
  }

  private void publishPrometheus(SdkSetup setup) {
    PrometheusMeterRegistry built = prometheus;
    if (built != null) {
      setup.publish(PrometheusMeterRegistry.class, built);
      setup.publish(PrometheusRegistry.class, built.getPrometheusRegistry());
    }
  }

  private static boolean prometheusWanted(ObsConfig config) {
    return config.get(CoreKeys.METRICS_ENABLED) && servesPrometheus(config);
  }

  /** The Prometheus registry built by {@link #start}, waiting for it. */
  private PrometheusMeterRegistry built() {
    try {
      if (!attached.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "obs-metrics: the Prometheus registry was not built within 30 s of start-up");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Prometheus registry", e);
    }
    PrometheusMeterRegistry built = prometheus;
    if (built == null) {
      throw new IllegalStateException(
          "obs-metrics: the Prometheus registry could not be built (see the ERROR above) or obs"
              + " was closed before it was");
    }
    return built;
  }

  /** Working no-op components: the same application code runs with metrics switched off. */
  @Override
  public void publishDisabled(Components components) {
    // Built on first lookup: Micrometer's first registry starts the logging back end (its own
    // logger), which an application with telemetry off should not pay for in init().
    NoopMetrics noop = new NoopMetrics();
    components.publishLazily(MeterRegistry.class, noop::registry);
    components.publishLazily(ObsMetrics.class, noop::metrics);
  }

  /** One no-op registry (no child: every meter records nothing) and ObsMetrics over it. */
  private static final class NoopMetrics {
    private @Nullable MeterRegistry registry;
    private @Nullable ObsMetrics metrics;

    synchronized MeterRegistry registry() {
      MeterRegistry built = registry;
      if (built == null) {
        built = new CompositeMeterRegistry();
        registry = built;
      }
      return built;
    }

    synchronized ObsMetrics metrics() {
      ObsMetrics built = metrics;
      if (built == null) {
        built = ObsMetrics.builder(registry()).build();
        metrics = built;
      }
      return built;
    }
  }

  private static ObsMetrics metrics(
      ObsConfig config, MeterRegistry top, List<Double> buckets, Set<String> reserved) {
    return ObsMetrics.builder(top)
        .setCardinalityLimit(config.get(MetricsKeys.CARDINALITY_LIMIT))
        .setLatencyBuckets(toDurations(buckets))
        .setReservedLabels(reserved)
        .build();
  }

  private static void registerViews(SdkSetup setup, List<Double> buckets) {
    for (String instrument : DURATION_INSTRUMENTS) {
      // The unit is part of the selector so an instrument of the same name recorded in
      // milliseconds is never given bounds meant for seconds.
      setup.registerView(
          InstrumentSelector.builder().setName(instrument).setUnit("s").build(),
          View.builder()
              .setAggregation(
                  Aggregation.explicitBucketHistogram(
                      ExplicitBucketHistogramOptions.builder().setBucketBoundaries(buckets).build()))
              .build());
    }
    // Older semconv gRPC instruments in milliseconds (what obs-tracing records today) get the
    // same bounds, scaled.
    List<Double> millis = buckets.stream().map(b -> b * 1000).toList();
    for (String instrument : LEGACY_MS_INSTRUMENTS) {
      setup.registerView(
          InstrumentSelector.builder().setName(instrument).setUnit("ms").build(),
          View.builder()
              .setAggregation(
                  Aggregation.explicitBucketHistogram(
                      ExplicitBucketHistogramOptions.builder().setBucketBoundaries(millis).build()))
              .build());
    }
  }

  /** Micrometer or the Prometheus client older than obs's, named with the fix; else null. */
  private static @Nullable String incompatibleLibraries() {
    String[][] artifacts = {
      {"io.micrometer:micrometer-core", "io.micrometer.core.instrument.MeterRegistry", "micrometer",
        "micrometer.version"},
      {"io.prometheus:prometheus-metrics-model",
        "io.prometheus.metrics.model.registry.PrometheusRegistry", "prometheus-metrics",
        "prometheus-client.version"},
    };
    return tooOld(artifacts);
  }

  /**
   * Micrometer's Prometheus registry older than obs's, named with the fix; else null. Checked
   * where that registry is built: loading its (large) class only to read its version would cost
   * {@code init()} what building it later saves.
   */
  private static @Nullable String incompatibleRegistry() {
    return tooOld(new String[][] {
      {"io.micrometer:micrometer-registry-prometheus",
        "io.micrometer.prometheusmetrics.PrometheusMeterRegistry", "micrometer",
        "micrometer.version"},
    });
  }

  private static @Nullable String tooOld(String[][] artifacts) {
    for (String[] artifact : artifacts) {
      var problem = Dependencies.tooOld(artifact[0], artifact[1], artifact[2], artifact[3]);
      if (problem.isPresent()) {
        return problem.get();
      }
    }
    return null;
  }

  @Override
  public void start(ModuleContext context) {
    ObsConfig config = context.config();
    MeterRegistry top = registry;
    if (top == null) {
      return;
    }
    // The redaction policy's patterns are compiled here, off the application's threads, before a
    // meter the application registers needs them (RedactedTags).
    redaction.get();
    DeferredRegistry waiting = deferred;
    if (waiting != null) {
      try {
        MeterRegistry real = buildRegistries(config, context.resource());
        realRegistry = real;
        long dropped = waiting.attach(real);
        if (dropped > 0) {
          log().log(System.Logger.Level.WARNING,
              "obs-metrics: {0} timer and summary values recorded before the registries were"
                  + " built were dropped (at most {1} wait)",
              dropped, DeferredRegistry.MAX_BUFFERED);
        }
      } finally {
        attached.countDown();
      }
    }
    JvmMetricsBinder jvm = jvmMetrics;
    if (jvm != null && context.host().isEmpty()) {
      jvm.bindTo(top);
    }
    PrometheusMeterRegistry scraped = prometheus;
    if (scraped == null) {
      return;
    }
    PrometheusRegistry prometheusRegistry = scraped.getPrometheusRegistry();
    EndpointServer server = context.server();
    String path = config.get(CoreKeys.SERVER_PATHS_METRICS);
    if (server != null) {
      server.register(path, new MetricsHandler(prometheusRegistry));
    } else if (!config.get(CoreKeys.SERVER_ENABLED)) {
      // Under a framework the registry is scraped there (Spring Boot's /actuator/prometheus):
      // switching obs's own server off is then the intended set-up, not a mistake.
      if (context.host().isEmpty()) {
        log().log(
            System.Logger.Level.WARNING,
            "obs-metrics: metrics.exporter is {0} but server.enabled is false ({1}), so obs"
                + " serves no {2}; Prometheus cannot scrape this process.",
            config.get(CoreKeys.METRICS_EXPORTER),
            config.sourceOf(CoreKeys.SERVER_ENABLED),
            path);
      }
    } else {
      log().log(
          System.Logger.Level.WARNING,
          "obs-metrics: the endpoint server could not start (see the ERROR above), so nothing"
              + " serves {0}; Prometheus cannot scrape this process.",
          path);
    }
  }

  @Override
  public void stop() {
    MeterRegistry current = registry;
    if (current != null && global) {
      Metrics.globalRegistry.remove(current);
    }
    global = false;
    JvmMetricsBinder jvm = jvmMetrics;
    if (jvm != null) {
      jvm.close();
    }
    if (current != null) {
      current.close();
    }
    MeterRegistry real = realRegistry;
    if (real != null) {
      // Closing a push registry publishes what is left once.
      real.close();
    }
    attached.countDown(); // nobody waits for a registry that will not come
    registry = null;
    realRegistry = null;
    deferred = null;
    prometheus = null;
    jvmMetrics = null;
  }

  static boolean servesPrometheus(ObsConfig config) {
    String exporter = config.get(CoreKeys.METRICS_EXPORTER);
    return exporter.equals("prometheus") || exporter.equals("both");
  }

  /** Parses and checks the bucket list; the message names the key and the bad entry. */
  static List<Double> parseBuckets(List<String> raw) {
    List<Double> result = new ArrayList<>();
    for (String entry : raw) {
      double value;
      try {
        value = Double.parseDouble(entry.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + entry + "' is not a number of seconds", e);
      }
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("bucket bounds must be positive, got " + entry);
      }
      if (!result.isEmpty() && value <= result.get(result.size() - 1)) {
        throw new IllegalArgumentException("bucket bounds must be strictly increasing, got " + raw);
      }
      result.add(value);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return result;
  }

  /**
   * Resolves {@code metrics.common_labels} against the resource; unset attributes are skipped.
   * The label names were checked by {@link #validate}.
   */
  static Map<String, String> commonLabels(ObsConfig config, Resource resource) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : config.get(MetricsKeys.COMMON_LABELS).entrySet()) {
      String label = entry.getKey();
      String value = resource.getAttribute(AttributeKey.stringKey(entry.getValue()));
      if (value != null && !value.isEmpty()) {
        labels.put(label, value);
      }
    }
    return labels;
  }

  /**
   * Micrometer's defaults, without their validation: {@link PrometheusConfig#DEFAULT} checks its
   * (unset) properties through Micrometer's validation framework, whose classes and lambdas were
   * a tenth of a cold {@code init()}, to find nothing wrong with values nobody set. A holder, so
   * that the Prometheus registry's classes load where it is built, not with this module.
   */
  private static final class PrometheusDefaults {
    static final PrometheusConfig CONFIG =
        new PrometheusConfig() {
          @Override
          public @Nullable String get(String key) {
            return null;
          }

          @Override
          public Validated<?> validate() {
            return Validated.none();
          }

          @Override
          public boolean descriptions() {
            return true;
          }

          @Override
          public Duration step() {
            return Duration.ofMinutes(1);
          }
        };
  }

  private PrometheusMeterRegistry prometheusRegistry(
      ObsConfig config, Map<String, String> commonLabels) {
    PrometheusRegistry prometheusRegistry = new PrometheusRegistry();
    PrometheusMeterRegistry prometheus =
        config.get(MetricsKeys.EXEMPLARS_ENABLED)
            ? new PrometheusMeterRegistry(
                PrometheusDefaults.CONFIG, prometheusRegistry, Clock.SYSTEM, new OtelSpanContext())
            : new PrometheusMeterRegistry(PrometheusDefaults.CONFIG, prometheusRegistry, Clock.SYSTEM);
    prometheus.config().commonTags(tags(commonLabels));
    // Two ProcessorMetrics names fail promtool's lint: process_cpu_time_ns_total (a non-base,
    // abbreviated unit; process_cpu_usage carries the same information) and system_cpu_count (a
    // _count suffix on a gauge), which is renamed.
    prometheus.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    prometheus
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.logical")
                    : id;
              }
            });
    // Every family needs a HELP line to pass promtool's lint; meters declared without a
    // description are described by their name.
    prometheus
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description != null && !description.isBlank()) {
                  return id;
                }
                return new Meter.Id(
                    id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), id.getName(), id.getType());
              }
            });
    return prometheus;
  }

  private static MeterRegistry composite(List<MeterRegistry> children) {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    children.forEach(composite::add);
    return composite;
  }

  /** Keeps the normalised Prometheus names of the Micrometer meters, for collision checks. */
  private static java.util.function.Supplier<Set<String>> micrometerNames(
      PrometheusMeterRegistry prometheus) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    Set<String> view = java.util.Collections.unmodifiableSet(counts.keySet());
    Set<String> warned = ConcurrentHashMap.newKeySet();
    prometheus.config().onMeterAdded(meter -> {
      names(prometheus, meter).forEach(n -> counts.merge(n, 1, Integer::sum));
      warnIfRenamed(prometheus, meter, warned);
    });
    prometheus.config().onMeterRemoved(meter -> names(prometheus, meter).forEach(
        n -> counts.computeIfPresent(n, (k, c) -> c <= 1 ? null : c - 1)));
    prometheus.getMeters().forEach(meter -> names(prometheus, meter).forEach(
        n -> counts.merge(n, 1, Integer::sum)));
    return () -> view;
  }

  /**
   * The Prometheus client strips a trailing _created or _info from family names; a plain
   * Micrometer meter cannot be refused (libraries register them), so say once what happens.
   */
  private static void warnIfRenamed(
      PrometheusMeterRegistry prometheus, Meter meter, Set<String> warned) {
    // What the client strips is the end of the name as rendered, base unit included:
    // tomcat.sessions.created with unit "sessions" is tomcat_sessions_created_sessions, intact.
    Meter.Id id = meter.getId();
    String unit = id.getBaseUnit();
    String unstripped = MetricNames.prometheusBase(id.getName())
        + (unit == null || unit.isEmpty() ? "" : "_" + unit);
    for (String suffix : List.of("_created", "_info")) {
      if (unstripped.endsWith(suffix) && warned.add(id.getName())) {
        log().log(
            System.Logger.Level.WARNING,
            "obs-metrics: meter ''{0}'' is exposed on /metrics as ''{1}'' because the Prometheus"
                + " client strips a trailing ''{2}''; rename it to keep the word.",
            id.getName(),
            prometheus.config().namingConvention().name(id.getName(), id.getType(), unit),
            suffix.substring(1));
      }
    }
  }

  private static List<String> names(PrometheusMeterRegistry prometheus, Meter meter) {
    Meter.Id id = meter.getId();
    String name =
        OtelCollector.familyName(
            prometheus.config().namingConvention().name(id.getName(), id.getType(), id.getBaseUnit()));
    return switch (id.getType()) {
      case TIMER, DISTRIBUTION_SUMMARY, LONG_TASK_TIMER -> List.of(name, name + "_max");
      default -> List.of(name);
    };
  }

  /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, checked by hand: this runs on every start-up. */
  static boolean isLabelName(String label) {
    if (label.isEmpty()) {
      return false;
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!letter && (i == 0 || c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static List<Tag> tags(Map<String, String> labels) {
    List<Tag> tags = new ArrayList<>();
    labels.forEach((k, v) -> tags.add(Tag.of(k, v)));
    return tags;
  }

  private static List<Duration> toDurations(List<Double> seconds) {
    List<Duration> result = new ArrayList<>();
    for (double s : seconds) {
      result.add(Duration.ofNanos(Math.round(s * 1e9)));
    }
    return result;
  }
}
