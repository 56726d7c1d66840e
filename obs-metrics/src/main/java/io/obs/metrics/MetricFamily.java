// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One business metric with declared label keys; {@link #labels} gives the series for one set of
 * label values. Keep the returned series in a field when the label values are fixed: the lookup
 * is a hash-map read, the series itself is a plain Micrometer meter.
 *
 * <p>Cardinality guard: at most {@link #cardinalityLimit()} distinct label sets get their own
 * series. Later new sets share one overflow series whose label values are all {@value
 * #OVERFLOW_VALUE}; each such lookup increments {@code
 * obs_metrics_cardinality_overflow_total{metric="<name>"}}, and the first one logs one WARN naming
 * the metric and the label with the most distinct values. Memory per metric stays bounded by the
 * limit.
 *
 * @param <M> the series type: {@link io.micrometer.core.instrument.Counter}, {@link
 *     io.micrometer.core.instrument.Timer}, {@link
 *     io.micrometer.core.instrument.DistributionSummary} or {@link GaugeValue}
 * @since 0.1.0
 */
public final class MetricFamily<M> {

  /** The label value of every label of the overflow series. */
  public static final String OVERFLOW_VALUE = "other";

  private static final System.Logger LOG = System.getLogger(MetricFamily.class.getName());

  private final String name;
  private final String type;
  private final List<String> labelKeys;
  private final int cardinalityLimit;
  private final Function<List<String>, M> factory;
  private final Runnable onOverflow;
  private final ConcurrentHashMap<List<String>, M> series = new ConcurrentHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile @Nullable M overflow;

  MetricFamily(
      String name,
      String type,
      List<String> labelKeys,
      int cardinalityLimit,
      Function<List<String>, M> factory,
      Runnable onOverflow) {
    this.name = name;
    this.type = type;
    this.labelKeys = List.copyOf(labelKeys);
    this.cardinalityLimit = cardinalityLimit;
    this.factory = factory;
    this.onOverflow = onOverflow;
  }

  /** The declared (dotted) name. */
  public String name() {
    return name;
  }

  /** The declared label keys, in declaration order. */
  public List<String> labelKeys() {
    return labelKeys;
  }

  /** How many distinct label sets get a series of their own. */
  public int cardinalityLimit() {
    return cardinalityLimit;
  }

  /** How many label sets have a series of their own now (the overflow series not counted). */
  public int seriesCount() {
    return series.size();
  }

  /**
   * The series for these label values, given in the order the keys were declared.
   *
   * @throws IllegalArgumentException when the number of values differs from the declared keys or
   *     a value is null
   */
  public M labels(String... values) {
    if (values.length != labelKeys.size()) {
      throw new IllegalArgumentException(
          "metric '"
              + name
              + "' declares labels "
              + labelKeys
              + " but got "
              + values.length
              + " value(s): "
              + Arrays.toString(values));
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw new IllegalArgumentException(
            "metric '" + name + "': value of label '" + labelKeys.get(i) + "' is null");
      }
    }
    List<String> key = List.of(values);
    M existing = series.get(key);
    return existing != null ? existing : register(key);
  }

  /**
   * The series for these labels, by key.
   *
   * @throws IllegalArgumentException when a key was not declared, a declared key is missing or a
   *     value is null
   */
  public M labels(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    for (String key : labels.keySet()) {
      if (!labelKeys.contains(key)) {
        throw new IllegalArgumentException(
            "metric '" + name + "' has no label '" + key + "'; declared labels are " + labelKeys);
      }
    }
    String[] values = new String[labelKeys.size()];
    for (int i = 0; i < values.length; i++) {
      String key = labelKeys.get(i);
      if (!labels.containsKey(key)) {
        throw new IllegalArgumentException(
            "metric '" + name + "': label '" + key + "' is missing; declared labels are "
                + labelKeys);
      }
      values[i] = labels.get(key);
    }
    return labels(values);
  }

  String type() {
    return type;
  }

  private M register(List<String> key) {
    // The slow path is serialised so that the limit is exact under concurrency; it runs once per
    // new label set, never on the path of an existing series.
    synchronized (series) {
      M existing = series.get(key);
      if (existing != null) {
        return existing;
      }
      if (series.size() < cardinalityLimit) {
        M created = factory.apply(key);
        series.put(key, created);
        return created;
      }
    }
    onOverflow.run();
    if (warned.compareAndSet(false, true)) {
      LOG.log(
          Level.WARNING,
          "obs-metrics: metric ''{0}'' reached its cardinality limit of {1} label sets; new label"
              + " sets are folded into one series with every label set to ''{2}''. The label"
              + " with the most distinct values is ''{3}''. Raise metrics.cardinality.limit or"
              + " stop using unbounded values (ids, raw paths) as labels.",
          name,
          cardinalityLimit,
          OVERFLOW_VALUE,
          explodingLabel());
    }
    return overflowSeries();
  }

  private M overflowSeries() {
    M current = overflow;
    if (current == null) {
      synchronized (series) {
        current = overflow;
        if (current == null) {
          String[] others = new String[labelKeys.size()];
          Arrays.fill(others, OVERFLOW_VALUE);
          List<String> key = List.of(others);
          // A real label set of all 'other' values already owns that series; share it rather
          // than registering a second holder Micrometer would ignore.
          M existing = series.get(key);
          current = existing != null ? existing : factory.apply(key);
          overflow = current;
        }
      }
    }
    return current;
  }

  /** The label with the most distinct values among the registered series. */
  String explodingLabel() {
    String worst = labelKeys.isEmpty() ? "" : labelKeys.get(0);
    int worstCount = -1;
    for (int i = 0; i < labelKeys.size(); i++) {
      Set<String> distinct = new HashSet<>();
      for (List<String> key : series.keySet()) {
        distinct.add(key.get(i));
      }
      if (distinct.size() > worstCount) {
        worstCount = distinct.size();
        worst = labelKeys.get(i);
      }
    }
    return worst;
  }
}
