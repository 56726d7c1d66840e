// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Internal: not for use outside obs. obs's own export health: items exported and failed per
 * signal and exporter ({@code obs.exporter.items}), and a failure WARN at most once a minute per
 * exporter, never once per span.
 */
final class SelfTelemetry {

  static final String SCOPE = "io.obs";
  static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
  static final AttributeKey<String> EXPORTER = AttributeKey.stringKey("exporter");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  /** Looked up on first use: finding the logging back end is costly in a cold start. */
  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }
  private static final long WARN_INTERVAL_NANOS = 60_000_000_000L;

  private final Supplier<MeterProvider> meterProvider;
  private volatile LongCounter items;
  private final ConcurrentHashMap<String, AtomicLong> lastWarning = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> failuresSinceWarning =
      new ConcurrentHashMap<>();

  SelfTelemetry(Supplier<MeterProvider> meterProvider) {
    this.meterProvider = meterProvider;
  }

  Meter meter() {
    return meterProvider.get().get(SCOPE);
  }

  private LongCounter items() {
    LongCounter counter = items;
    if (counter == null) {
      counter = meter().counterBuilder("obs.exporter.items")
          .setDescription("Spans, metric points and log records handed to exporters, by outcome.")
          .setUnit("{item}")
          .build();
      items = counter;
    }
    return counter;
  }

  /** Items dropped before they reached the exporter (a full queue), counted like failures. */
  void dropped(String signal, String exporter, int count) {
    items().add(count, Attributes.of(SIGNAL, signal, EXPORTER, exporter, OUTCOME, "dropped"));
  }

  void exported(String signal, String exporter, int count, boolean success, String detail) {
    items().add(count, Attributes.of(SIGNAL, signal, EXPORTER, exporter, OUTCOME,
        success ? "success" : "failure"));
    if (success) {
      return;
    }
    String id = signal + "/" + exporter;
    AtomicLong failures = failuresSinceWarning.computeIfAbsent(id, k -> new AtomicLong());
    failures.addAndGet(count);
    AtomicLong last = lastWarning.computeIfAbsent(id, k -> new AtomicLong(System.nanoTime()
        - WARN_INTERVAL_NANOS));
    long now = System.nanoTime();
    long previous = last.get();
    if (now - previous >= WARN_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
      long lost = failures.getAndSet(0);
      log().log(System.Logger.Level.WARNING,
          "obs: exporting " + signal + " to " + exporter + " (" + detail + ") failed; " + lost
              + " item(s) not delivered in the last minute. The application is not affected;"
              + " failures are counted in obs_exporter_items_total{outcome=\"failure\"}.");
    }
  }
}
