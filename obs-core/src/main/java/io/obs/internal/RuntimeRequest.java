// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.spi.ObservabilityModule;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Everything one {@code init} call asked for, before the
 * configuration is resolved.
 */
public record RuntimeRequest(
    @Nullable Path configFile,
    @Nullable String configYaml,
    Map<String, String> overrides,
    Map<String, String> environment,
    Map<String, String> systemProperties,
    List<SpanExporter> spanExporters,
    List<MetricReader> metricReaders,
    List<LogRecordExporter> logRecordExporters,
    @Nullable List<ObservabilityModule> modules,
    boolean registerGlobal,
    @Nullable HostSettings host) {

  public RuntimeRequest {
    overrides = Map.copyOf(overrides);
    environment = Map.copyOf(environment);
    systemProperties = Map.copyOf(systemProperties);
    spanExporters = List.copyOf(spanExporters);
    metricReaders = List.copyOf(metricReaders);
    logRecordExporters = List.copyOf(logRecordExporters);
    modules = modules == null ? null : List.copyOf(modules);
  }

  /**
   * Whether this request asks for nothing but what the environment says: no file or YAML named,
   * no override, no programmatic component, no framework. A plain {@code Observability.init()}
   * is such a request, and it returns the running instance whatever that was started with.
   */
  public boolean isPlain() {
    return configFile == null && configYaml == null && overrides.isEmpty()
        && spanExporters.isEmpty() && metricReaders.isEmpty() && logRecordExporters.isEmpty()
        && modules == null && registerGlobal && host == null;
  }

  /** A snapshot of the JVM's system properties as strings. */
  public static Map<String, String> jvmProperties() {
    Properties properties = System.getProperties();
    Map<String, String> copy = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      copy.put(name, properties.getProperty(name));
    }
    return copy;
  }

  /**
   * Whether another request hands over the same programmatic components (exporters, readers,
   * modules), compared by identity: a different exporter object is a different set-up.
   */
  public boolean sameComponents(RuntimeRequest other) {
    return registerGlobal == other.registerGlobal
        && java.util.Objects.equals(host, other.host)
        && sameIdentities(spanExporters, other.spanExporters)
        && sameIdentities(metricReaders, other.metricReaders)
        && sameIdentities(logRecordExporters, other.logRecordExporters)
        && (modules == null
            ? other.modules == null
            : other.modules != null && sameIdentities(modules, other.modules));
  }

  private static boolean sameIdentities(List<?> left, List<?> right) {
    if (left.size() != right.size()) {
      return false;
    }
    for (int i = 0; i < left.size(); i++) {
      if (left.get(i) != right.get(i)) {
        return false;
      }
    }
    return true;
  }
}
