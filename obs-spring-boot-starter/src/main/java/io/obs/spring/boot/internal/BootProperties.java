// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.internal.HostSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Internal: not for use outside obs. Spring Boot's own settings that mean what an obs key means.
 * Those with the same meaning are honoured as defaults below {@code obs.yaml} and {@code obs.*}
 * properties ({@code spring.application.name} names the service); the others, which obs's one
 * pipeline replaces, are reported at start-up with the obs key to use, so that no Boot setting is
 * contradicted without a word. docs/spring-boot.md has the same table.
 */
final class BootProperties {

  /** A Boot property that sets an obs key. */
  private record Honoured(String boot, String obsKey, Mapping mapping) {}

  @FunctionalInterface
  private interface Mapping {
    /** The obs value for Boot's, or null when Boot's value has no obs equivalent. */
    @Nullable String map(String bootValue);
  }

  /** A Boot property obs does not read, and what to use instead. */
  private record Replaced(String boot, String instead) {}

  private static final List<Honoured> HONOURED = List.of(
      new Honoured("spring.application.name", "service.name", value -> value),
      new Honoured("management.tracing.enabled", "traces.enabled", value -> value),
      new Honoured("management.zipkin.tracing.endpoint", "traces.zipkin.endpoint", value -> value),
      new Honoured("management.tracing.sampling.probability", "traces.sampler.ratio",
          value -> value),
      new Honoured("management.tracing.sampling.probability", "traces.sampler.type",
          value -> "ratio"),
      new Honoured("management.tracing.propagation.type", "traces.propagators",
          BootProperties::propagators));

  private static final List<Replaced> REPLACED = List.of(
      new Replaced("management.otlp.tracing.endpoint",
          "obs.exporter.endpoint (the base URL, without /v1/traces) and obs.traces.exporter=otlp"),
      new Replaced("management.otlp.tracing.headers", "obs.exporter.headers"),
      new Replaced("management.otlp.metrics.export.url",
          "obs.exporter.endpoint and obs.metrics.exporter=otlp (or both)"),
      new Replaced("management.otlp.metrics.export.enabled", "obs.metrics.exporter"),
      new Replaced("management.otlp.logging.endpoint",
          "obs.exporter.endpoint and obs.logs.exporter=otlp"),
      new Replaced("management.opentelemetry.resource-attributes", "obs.resource.attributes"),
      new Replaced("management.tracing.baggage.remote-fields", "obs.traces.baggage.attributes"),
      new Replaced("management.tracing.baggage.correlation.fields",
          "obs.traces.baggage.attributes (copied onto spans and log lines)"),
      new Replaced("logging.structured.format.console",
          "obs.logs.format (obs writes its own JSON, with trace ids and redaction)"),
      new Replaced("logging.pattern.console", "obs.logs.format: text"),
      new Replaced("logging.pattern.correlation",
          "nothing: obs's log lines carry trace_id and span_id"));

  private BootProperties() {}

  /** obs keys with values from the Boot settings that mean the same, where Boot's are set. */
  static List<HostSettings.Property> defaults(ConfigurableEnvironment environment) {
    List<HostSettings.Property> defaults = new ArrayList<>();
    for (Honoured honoured : HONOURED) {
      String value = environment.getProperty(honoured.boot());
      if (value == null || value.isBlank()) {
        continue;
      }
      String mapped = honoured.mapping().map(value.trim());
      if (mapped != null) {
        defaults.add(new HostSettings.Property(honoured.obsKey(), mapped,
            locate(environment, honoured.boot()) + " (" + honoured.boot() + ")", 0));
      }
    }
    return defaults;
  }

  /** One line per Boot setting in this environment that obs does not read. */
  static List<String> notRead(ConfigurableEnvironment environment) {
    List<String> lines = new ArrayList<>();
    for (Replaced replaced : REPLACED) {
      if (environment.containsProperty(replaced.boot())) {
        lines.add(replaced.boot() + " (" + locate(environment, replaced.boot())
            + ") is not used: obs's pipeline replaces it; set " + replaced.instead());
      }
    }
    // The OpenTelemetry Spring Boot starter reads otel.* from application.yml; obs reads the
    // same settings as OTEL_* environment variables, and as obs.* keys here.
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> enumerable
          && !source.getName().equals("configurationProperties")
          && !source.getName().equals(
              org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
          && !source.getName().equals(
              org.springframework.core.env.StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
        for (String name : enumerable.getPropertyNames()) {
          if (name.startsWith("otel.")) {
            lines.add(name + " (" + SpringSettings.location(source, name) + ") is not used: it is"
                + " the OpenTelemetry starter's; set the matching obs.* key (docs/spring-boot.md"
                + " maps them) or the OTEL_* environment variable");
          }
        }
      }
    }
    String propagation = environment.getProperty("management.tracing.propagation.type");
    if (propagation != null && propagators(propagation) == null) {
      lines.add("management.tracing.propagation.type=" + propagation + " ("
          + locate(environment, "management.tracing.propagation.type")
          + ") has no obs equivalent; set obs.traces.propagators");
    }
    return lines;
  }

  /** Boot's W3C, B3 and B3_MULTI, as a list, in obs's names; null when one has none. */
  static @Nullable String propagators(String bootValue) {
    List<String> out = new ArrayList<>();
    for (String part : bootValue.split(",")) {
      switch (part.trim().toUpperCase(Locale.ROOT).replace('-', '_')) {
        case "W3C" -> {
          out.add("tracecontext");
          out.add("baggage");
        }
        case "B3" -> out.add("b3");
        case "B3_MULTI" -> out.add("b3multi");
        case "" -> { }
        default -> {
          return null;
        }
      }
    }
    return out.isEmpty() ? null : String.join(",", out);
  }

  private static String locate(ConfigurableEnvironment environment, String name) {
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (!source.getName().equals("configurationProperties") && source.containsProperty(name)) {
        return SpringSettings.location(source, name);
      }
    }
    return "the environment";
  }
}
