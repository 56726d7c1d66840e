// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

import io.obs.config.ConfigKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code obs.yaml} keys of obs-metrics. Where metrics go ({@code metrics.exporter}) and the
 * scrape path ({@code server.paths.metrics}) are core keys.
 *
 * @since 0.1.0
 */
public final class MetricsKeys {

  /** Default latency buckets in seconds: 1 ms to 10 s, dense where microservices live. */
  public static final List<String> DEFAULT_LATENCY_BUCKETS =
      List.of(
          "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
          "10");

  public static final ConfigKey<Map<String, String>> COMMON_LABELS =
      ConfigKey.map("metrics.common_labels")
          .defaultValue(defaultCommonLabels())
          .defaultDescription("service=service.name, env=deployment.environment.name")
          .description(
              "Labels put on every series: label name -> resource attribute whose value it carries"
                  + " (a label whose attribute is unset is left out).")
          .build();

  public static final ConfigKey<Integer> CARDINALITY_LIMIT =
      ConfigKey.integer("metrics.cardinality.limit")
          .defaultValue(1000)
          .range(1, 1_000_000)
          .description(
              "Label sets per business metric; later new sets fold into one series labelled"
                  + " 'other'.")
          .build();

  public static final ConfigKey<List<String>> HTTP_BUCKETS =
      ConfigKey.list("metrics.http.buckets")
          .defaultValue(DEFAULT_LATENCY_BUCKETS)
          .description(
              "Histogram bucket bounds in seconds for HTTP/gRPC durations and business timers.")
          .build();

  public static final ConfigKey<Boolean> EXEMPLARS_ENABLED =
      ConfigKey.bool("metrics.exemplars.enabled")
          .defaultValue(true)
          .description(
              "Attach trace_id/span_id of the sampled span to Micrometer histogram buckets and"
                  + " counters (OpenMetrics only).")
          .build();

  public static final ConfigKey<Boolean> JVM_MEMORY =
      jvm("memory", "Heap and non-heap memory pools and buffer pools.");
  public static final ConfigKey<Boolean> JVM_GC = jvm("gc", "GC pauses, allocation and promotion.");
  public static final ConfigKey<Boolean> JVM_THREADS = jvm("threads", "Live, daemon, peak threads and states.");
  public static final ConfigKey<Boolean> JVM_CLASSES = jvm("classes", "Loaded and unloaded classes.");
  public static final ConfigKey<Boolean> JVM_CPU = jvm("cpu", "Process and system CPU usage, load.");
  public static final ConfigKey<Boolean> JVM_FILES = jvm("files", "Open and maximum file descriptors.");
  public static final ConfigKey<Boolean> JVM_UPTIME = jvm("uptime", "Process uptime and start time.");

  /** Every key of this module, in documentation order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          COMMON_LABELS,
          CARDINALITY_LIMIT,
          HTTP_BUCKETS,
          EXEMPLARS_ENABLED,
          JVM_MEMORY,
          JVM_GC,
          JVM_THREADS,
          JVM_CLASSES,
          JVM_CPU,
          JVM_FILES,
          JVM_UPTIME);

  private MetricsKeys() {}

  private static ConfigKey<Boolean> jvm(String group, String what) {
    return ConfigKey.bool("metrics.jvm." + group)
        .defaultValue(true)
        .description("Publish JVM/process metrics: " + what)
        .build();
  }

  private static Map<String, String> defaultCommonLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("service", "service.name");
    labels.put("env", "deployment.environment.name");
    return labels;
  }
}
