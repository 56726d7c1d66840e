// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.obs.config.ObsConfig;
import io.obs.metrics.MetricsKeys;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The JVM and process metrics {@code metrics.jvm.*} asks for,
 * as one binder. obs-metrics binds it on its start-up thread; under Spring Boot the starter hands
 * it to Boot, which binds it after its own meter filters are in place (in place of Boot's JVM
 * and system binders, so that each meter exists once).
 */
public final class JvmMetricsBinder implements MeterBinder, AutoCloseable {

  private final boolean memory;
  private final boolean gc;
  private final boolean threads;
  private final boolean classes;
  private final boolean cpu;
  private final boolean files;
  private final boolean uptime;
  private @Nullable JvmGcMetrics gcMetrics; // guarded by this

  JvmMetricsBinder(ObsConfig config) {
    this.memory = config.get(MetricsKeys.JVM_MEMORY);
    this.gc = config.get(MetricsKeys.JVM_GC);
    this.threads = config.get(MetricsKeys.JVM_THREADS);
    this.classes = config.get(MetricsKeys.JVM_CLASSES);
    this.cpu = config.get(MetricsKeys.JVM_CPU);
    this.files = config.get(MetricsKeys.JVM_FILES);
    this.uptime = config.get(MetricsKeys.JVM_UPTIME);
  }

  /**
   * Binds the chosen groups. Binding twice would count every GC pause twice (each binding adds a
   * GC notification listener), so a second call is refused.
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (gcMetrics != null) {
      throw new IllegalStateException("obs's JVM metrics are already bound");
    }
    if (memory) {
      new JvmMemoryMetrics().bindTo(registry);
    }
    JvmGcMetrics gcBinder = new JvmGcMetrics();
    if (gc) {
      gcBinder.bindTo(registry);
    }
    gcMetrics = gcBinder;
    if (threads) {
      new JvmThreadMetrics().bindTo(registry);
    }
    if (classes) {
      new ClassLoaderMetrics().bindTo(registry);
    }
    if (cpu) {
      new ProcessorMetrics().bindTo(registry);
    }
    if (files) {
      new FileDescriptorMetrics().bindTo(registry);
    }
    if (uptime) {
      new UptimeMetrics().bindTo(registry);
    }
  }

  /** Removes the GC notification listeners. */
  @Override
  public synchronized void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }
}
