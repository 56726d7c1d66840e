// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Internal: not for use outside obs.
 *
 * <p>Checks business metric names and label keys when they are declared, so a bad name fails at
 * the line that wrote it instead of being silently rewritten (or dropped) by a registry.
 */
public final class MetricNames {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]*");
  private static final int MAX_NAME_LENGTH = 200;

  // Prometheus and OpenMetrics derive these from the base name; a name that already ends with one
  // would be rendered as e.g. orders_total_total or collide with a histogram's own series.
  private static final List<String> RESERVED_SUFFIXES =
      List.of("_total", "_bucket", "_count", "_sum", "_info", "_max");

  // 'le' and 'quantile' belong to histograms and summaries; the rest carry scope and resource.
  private static final Set<String> RESERVED_LABELS =
      Set.of("le", "quantile", "otel_scope_name", "otel_scope_version", "job", "instance");

  private MetricNames() {}

  /** The Prometheus rendering of a dotted name, before unit and type suffixes. */
  public static String prometheusBase(String name) {
    return name.replace('.', '_');
  }

  /**
   * Validates a dotted metric name.
   *
   * @param unitSuffix the base unit obs appends ({@code seconds}, {@code bytes}), or empty
   * @throws IllegalArgumentException with the reason and a suggestion
   */
  public static void checkName(String name, String unitSuffix) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("metric name must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "metric name '" + name + "' is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name '"
              + name
              + "' is invalid: use lower-case dot-separated words of [a-z0-9_], each starting"
              + " with a letter, e.g. 'orders.placed' (rendered orders_placed_total); suggestion: '"
              + suggestName(name)
              + "'");
    }
    if (name.startsWith("obs.")) {
      throw new IllegalArgumentException(
          "metric name '" + name + "' is invalid: the 'obs.' namespace is reserved for obs itself");
    }
    String base = prometheusBase(name);
    for (String stripped : List.of("_created", "_info")) {
      if (base.endsWith(stripped)) {
        // The Prometheus client strips these (OpenMetrics reserves them for created timestamps and
        // info metrics) before rendering: 'orders.created' would silently appear as orders_total.
        throw new IllegalArgumentException(
            "metric name '"
                + name
                + "' is invalid: the Prometheus client strips a trailing '"
                + stripped.substring(1)
                + "' (reserved by OpenMetrics), so it would be exposed as "
                + base.substring(0, base.length() - stripped.length())
                + "; put the word elsewhere, e.g. '"
                + suggestReordered(name)
                + "'");
      }
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (base.endsWith(suffix)) {
        throw new IllegalArgumentException(
            "metric name '"
                + name
                + "' is invalid: it ends with '"
                + suffix.substring(1)
                + "', which Prometheus reserves (obs adds _total, _bucket, _count, _sum itself);"
                + " drop it");
      }
    }
    if (!unitSuffix.isEmpty() && base.endsWith("_" + unitSuffix)) {
      throw new IllegalArgumentException(
          "metric name '"
              + name
              + "' is invalid: it ends with the unit '"
              + unitSuffix
              + "', which obs appends itself; declare '"
              + name.substring(0, name.length() - unitSuffix.length() - 1)
              + "'");
    }
  }

  /**
   * Validates declared label keys.
   *
   * @param commonLabels label names obs puts on every series, which a metric must not redeclare
   */
  public static void checkLabelKeys(String metric, List<String> keys, Set<String> commonLabels) {
    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      if (key == null) {
        throw new IllegalArgumentException("metric '" + metric + "': label key must not be null");
      }
      if (!LABEL.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "metric '"
                + metric
                + "': label key '"
                + key
                + "' is invalid: use lower_snake_case [a-z][a-z0-9_]*; suggestion: '"
                + suggestLabel(key)
                + "'");
      }
      if (RESERVED_LABELS.contains(key) || commonLabels.contains(key)) {
        throw new IllegalArgumentException(
            "metric '"
                + metric
                + "': label key '"
                + key
                + "' is reserved ("
                + (commonLabels.contains(key)
                    ? "obs puts it on every series as a common label"
                    : "Prometheus or OpenTelemetry use it")
                + ")");
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException(
            "metric '" + metric + "': label key '" + key + "' is declared twice");
      }
    }
  }

  private static String suggestReordered(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return name + "s";
    }
    String last = name.substring(dot + 1);
    String rest = name.substring(0, dot);
    int previous = rest.lastIndexOf('.');
    return previous < 0
        ? last + "." + rest
        : rest.substring(0, previous + 1) + last + "." + rest.substring(previous + 1);
  }

  private static String suggestName(String name) {
    String lower =
        name.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_.]", ".")
            .replaceAll("\\.+", ".")
            .replaceAll("^[^a-z]+", "")
            .replaceAll("\\.$", "");
    return lower.isEmpty() ? "my.metric" : lower;
  }

  private static String suggestLabel(String key) {
    String lower =
        key.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]", "_")
            .replaceAll("^[^a-z]+", "");
    return lower.isEmpty() ? "label" : lower;
  }
}
