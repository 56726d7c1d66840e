// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.obs.metrics.internal.MetricNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Business metrics with declared label keys and a cardinality guard, on top of Micrometer.
 *
 * <pre>{@code
 * ObsMetrics metrics = Observability.get().component(ObsMetrics.class).orElseThrow();
 * MetricFamily<Counter> orders = metrics.counter("orders.placed", "channel", "region");
 * orders.labels("web", "eu").increment();   // orders_placed_total{channel="web",region="eu",...}
 * }</pre>
 *
 * <p>Names are dotted lower-case words; Prometheus renders them with underscores plus the unit and
 * type suffix ({@code _seconds}, {@code _bytes}, {@code _total}). Invalid names and label keys fail
 * at declaration, a wrong number of label values or an unknown key fails at the call site, and
 * each metric keeps at most {@code metrics.cardinality.limit} label sets (see {@link
 * MetricFamily}). Declaring the same metric again with the same type and keys returns the same
 * family.
 *
 * @since 0.1.0
 */
public final class ObsMetrics {

  /** The counter of folded label lookups, named {@code obs_metrics_cardinality_overflow_total}. */
  public static final String OVERFLOW_METRIC = "obs.metrics.cardinality.overflow";

  private final MeterRegistry registry;
  private final int cardinalityLimit;
  private final List<Duration> latencyBuckets;
  private final Set<String> reservedLabels;
  private final ConcurrentHashMap<String, MetricFamily<?>> families = new ConcurrentHashMap<>();

  ObsMetrics(Builder builder) {
    this.registry = builder.registry;
    this.cardinalityLimit = builder.cardinalityLimit;
    this.latencyBuckets = List.copyOf(builder.latencyBuckets);
    this.reservedLabels = Set.copyOf(builder.reservedLabels);
  }

  /** A builder over the given Micrometer registry. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /** The Micrometer registry these metrics live in (also published as {@code MeterRegistry}). */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** A monotonic counter, rendered {@code <name>_total}. */
  public MetricFamily<Counter> counter(String name, String... labelKeys) {
    return declare(
        name,
        "counter",
        "",
        labelKeys,
        tags -> Counter.builder(name).tags(tags).register(registry));
  }

  /**
   * A timer, rendered as a {@code <name>_seconds} histogram with the configured latency buckets
   * ({@code metrics.http.buckets}).
   */
  public MetricFamily<Timer> timer(String name, String... labelKeys) {
    Duration[] buckets = latencyBuckets.toArray(new Duration[0]);
    return declare(
        name,
        "timer",
        "seconds",
        labelKeys,
        tags ->
            Timer.builder(name)
                .tags(tags)
                .serviceLevelObjectives(buckets)
                .publishPercentileHistogram(false)
                .register(registry));
  }

  /**
   * A distribution summary (count, sum and max) of values in {@code baseUnit} ({@code bytes},
   * {@code items}, ...; empty for none), rendered {@code <name>_<baseUnit>}.
   */
  public MetricFamily<DistributionSummary> summary(
      String name, String baseUnit, String... labelKeys) {
    checkUnit(baseUnit);
    return declare(
        name,
        "summary",
        baseUnit,
        labelKeys,
        tags ->
            DistributionSummary.builder(name)
                .baseUnit(baseUnit.isEmpty() ? null : baseUnit)
                .tags(tags)
                .register(registry));
  }

  /**
   * A histogram of values in {@code baseUnit} with explicit bucket bounds, rendered {@code
   * <name>_<baseUnit>_bucket{le=...}}.
   */
  public MetricFamily<DistributionSummary> histogram(
      String name, String baseUnit, double[] buckets, String... labelKeys) {
    checkUnit(baseUnit);
    Objects.requireNonNull(buckets, "buckets");
    double[] bounds = buckets.clone();
    if (bounds.length == 0) {
      throw new IllegalArgumentException("histogram '" + name + "' needs at least one bucket");
    }
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException(
            "histogram '" + name + "': buckets must be strictly increasing, got "
                + Arrays.toString(bounds));
      }
    }
    return declare(
        name,
        "histogram" + Arrays.toString(bounds),
        baseUnit,
        labelKeys,
        tags ->
            DistributionSummary.builder(name)
                .baseUnit(baseUnit.isEmpty() ? null : baseUnit)
                .tags(tags)
                .serviceLevelObjectives(bounds)
                .publishPercentileHistogram(false)
                .register(registry));
  }

  /** A gauge; set each series' value through the returned {@link GaugeValue}. */
  public MetricFamily<GaugeValue> gauge(String name, String... labelKeys) {
    return declare(
        name,
        "gauge",
        "",
        labelKeys,
        tags -> {
          GaugeValue value = new GaugeValue();
          Gauge.builder(name, value, GaugeValue::get).tags(tags).strongReference(true).register(
              registry);
          return value;
        });
  }

  private <M> MetricFamily<M> declare(
      String name,
      String type,
      String unitSuffix,
      String[] labelKeys,
      Function<Tags, M> meterFactory) {
    Objects.requireNonNull(labelKeys, "labelKeys");
    MetricNames.checkName(name, unitSuffix);
    List<String> keys = Arrays.asList(labelKeys.clone());
    MetricNames.checkLabelKeys(name, keys, reservedLabels);
    MetricFamily<?> family =
        families.computeIfAbsent(
            name,
            n ->
                new MetricFamily<>(
                    n,
                    type,
                    keys,
                    cardinalityLimit,
                    values -> meterFactory.apply(toTags(keys, values)),
                    () -> overflowCounter(n).increment()));
    if (!family.type().equals(type) || !family.labelKeys().equals(keys)) {
      throw new IllegalArgumentException(
          "metric '"
              + name
              + "' is already declared as a "
              + family.type()
              + " with labels "
              + family.labelKeys()
              + "; cannot redeclare it as a "
              + type
              + " with labels "
              + keys);
    }
    @SuppressWarnings("unchecked")
    MetricFamily<M> typed = (MetricFamily<M>) family;
    return typed;
  }

  private Counter overflowCounter(String metric) {
    return Counter.builder(OVERFLOW_METRIC)
        .description("Label lookups folded into a metric's overflow series by the cardinality guard")
        .tag("metric", metric)
        .register(registry);
  }

  private static Tags toTags(List<String> keys, List<String> values) {
    List<io.micrometer.core.instrument.Tag> tags = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      tags.add(io.micrometer.core.instrument.Tag.of(keys.get(i), values.get(i)));
    }
    return Tags.of(tags);
  }

  private static void checkUnit(String baseUnit) {
    Objects.requireNonNull(baseUnit, "baseUnit");
    if (!baseUnit.isEmpty() && !baseUnit.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "base unit '" + baseUnit + "' is invalid: use a lower-case plural word such as 'bytes'"
              + " (suggestion: '" + baseUnit.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
              + "')");
    }
    if (baseUnit.equals("milliseconds") || baseUnit.equals("ms") || baseUnit.equals("kilobytes")) {
      throw new IllegalArgumentException(
          "base unit '" + baseUnit + "' is not a base unit: record seconds (use timer()) or bytes");
    }
  }

  /** Builds {@link ObsMetrics}; obs-metrics builds the published one from {@code obs.yaml}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private int cardinalityLimit = 1000;
    private List<Duration> latencyBuckets = toDurations(MetricsKeys.DEFAULT_LATENCY_BUCKETS);
    private Set<String> reservedLabels = Set.of("service", "env");

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Sets how many label sets each metric keeps before folding (default 1000). */
    public Builder setCardinalityLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("cardinality limit must be >= 1, got " + limit);
      }
      this.cardinalityLimit = limit;
      return this;
    }

    /** Sets the timer histogram buckets. */
    public Builder setLatencyBuckets(List<Duration> buckets) {
      if (buckets.isEmpty()) {
        throw new IllegalArgumentException("latency buckets must not be empty");
      }
      this.latencyBuckets = List.copyOf(buckets);
      return this;
    }

    /** Sets the label names obs adds to every series, which metrics may not declare. */
    public Builder setReservedLabels(Set<String> labels) {
      this.reservedLabels = Set.copyOf(labels);
      return this;
    }

    public ObsMetrics build() {
      return new ObsMetrics(this);
    }

    private static List<Duration> toDurations(List<String> seconds) {
      List<Duration> result = new ArrayList<>();
      for (String s : seconds) {
        result.add(Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9)));
      }
      return result;
    }
  }
}
