// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Internal: not for use outside obs. Leaves out Spring Boot's auto-configurations that would build
 * a second telemetry pipeline beside obs's: another OpenTelemetry SDK with its own span and log
 * exporters, a Micrometer OTLP registry pushing to localhost:4318, JVM and system binders binding
 * the meters obs's {@code metrics.jvm.*} bind, and Boot's exemplar sampler. With obs's HTTP
 * instrumentation on, Spring's HTTP observations go too, so each request has one server span and
 * one {@code http.server.request.duration} histogram. Micrometer Tracing's handlers stay: through
 * obs's tracer they make spans of the libraries instrumented with Observations. The names cover
 * Boot 3.5 and Boot 4.0; docs/spring-boot.md lists what replaces each.
 */
public final class ObsAutoConfigurationFilter implements AutoConfigurationImportFilter,
    EnvironmentAware {

  /** Boot's telemetry that obs's pipeline replaces. */
  static final Set<String> REPLACED = Set.of(
      // Spring Boot 3.5
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.zipkin.ZipkinAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.prometheus.PrometheusExemplarsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.logging.otlp.OtlpLoggingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.otlp.OtlpMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.JvmMetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.SystemMetricsAutoConfiguration",
      // Spring Boot 4.0
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.zipkin.ZipkinWithOpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.logging.otlp.OtlpLoggingAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.otlp.OtlpMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration");

  /** Spring's HTTP observations, which obs's HTTP instrumentation replaces. */
  static final Set<String> HTTP_OBSERVATIONS = Set.of(
      // Spring Boot 3.5
      "org.springframework.boot.actuate.autoconfigure.observation.web.servlet.WebMvcObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.observation.web.reactive.WebFluxObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.observation.web.client.HttpClientObservationsAutoConfiguration",
      // Spring Boot 4.0
      "org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration",
      "org.springframework.boot.webflux.autoconfigure.WebFluxObservationAutoConfiguration",
      "org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration",
      "org.springframework.boot.restclient.autoconfigure.RestTemplateObservationAutoConfiguration",
      "org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration");

  private ConfigurableEnvironment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = (ConfigurableEnvironment) environment;
  }

  @Override
  public boolean[] match(String[] autoConfigurationClasses,
      AutoConfigurationMetadata autoConfigurationMetadata) {
    Boolean http = null;
    boolean[] matches = new boolean[autoConfigurationClasses.length];
    for (int i = 0; i < autoConfigurationClasses.length; i++) {
      String candidate = autoConfigurationClasses[i];
      if (candidate == null) {
        continue;
      }
      if (REPLACED.contains(candidate)) {
        matches[i] = false;
      } else if (HTTP_OBSERVATIONS.contains(candidate)) {
        if (http == null) {
          Observability obs = ObsStarter.obtain(environment);
          http = ObsConditions.instrumentsHttp(obs);
        }
        matches[i] = !http;
      } else {
        matches[i] = true;
      }
    }
    return matches;
  }
}
