// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.obs.Observability;
import io.obs.config.CoreKeys;
import io.obs.metrics.ObsMetrics;
import io.obs.metrics.internal.JvmMetricsBinder;
import io.obs.tracing.servlet.ObsServletFilter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;

/**
 * Internal: not for use outside obs. Hands obs's running pipeline to Spring: obs itself, its
 * OpenTelemetry SDK, its Micrometer registries (so the {@code MeterRegistry} Boot injects and
 * {@code /actuator/prometheus} are obs's), Micrometer Tracing's bridge on obs's SDK (so libraries
 * instrumented with Observations make spans there), obs's HTTP instrumentation for Spring MVC,
 * WebFlux, {@code RestClient}, {@code RestTemplate} and {@code WebClient}, context propagation
 * across Boot's executors, and obs's readiness in {@code /actuator/health}. It runs before Boot's
 * own metrics and tracing auto-configuration, whose beans back off where obs's exist.
 */
@AutoConfiguration(beforeName = {
    // Spring Boot 3.5
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration",
    // Spring Boot 4.0
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
    // both
    "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration"})
public class ObsAutoConfiguration {

  /** The instrumentation scope of the spans Micrometer Tracing makes from Observations. */
  static final String OBSERVATION_SCOPE = "io.obs.spring.observation";

  /**
   * The running obs, which the starter started when Boot prepared the environment. The context
   * closes it: spans, metrics and logs are flushed when the application stops, after the web
   * server has drained its requests.
   */
  @Bean(destroyMethod = "close")
  Observability observability(ConfigurableEnvironment environment) {
    return ObsStarter.obtain(environment);
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  OpenTelemetry openTelemetry(Observability obs) {
    return obs.openTelemetry();
  }

  @Bean
  @ConditionalOnMissingBean
  ContextPropagators contextPropagators(Observability obs) {
    return obs.openTelemetry().getPropagators();
  }

  /**
   * Tasks run on Boot's executors ({@code @Async}, {@code applicationTaskExecutor}) continue the
   * trace of the code that submitted them.
   */
  @Bean
  @ConditionalOnMissingBean
  TaskDecorator obsContextTaskDecorator() {
    return runnable -> Context.current().wrap(runnable);
  }

  /** obs's Micrometer registries and business metrics, as the beans Boot's metrics use. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {

    @Bean(destroyMethod = "")
    @Primary
    @ConditionalOnObsComponent(PrometheusMeterRegistry.class)
    PrometheusMeterRegistry obsPrometheusMeterRegistry(Observability obs) {
      return ObsComponents.published(obs, PrometheusMeterRegistry.class).orElseThrow();
    }

    @Bean(destroyMethod = "")
    @ConditionalOnObsComponent(PrometheusRegistry.class)
    PrometheusRegistry obsPrometheusRegistry(Observability obs) {
      return ObsComponents.published(obs, PrometheusRegistry.class).orElseThrow();
    }

    /** The OTLP, console or in-memory registry, beside or instead of the Prometheus one. */
    @Bean(destroyMethod = "")
    @Conditional(ObsConditions.OtherRegistry.class)
    MeterRegistry obsMeterRegistry(Observability obs) {
      return Objects.requireNonNull(ObsComponents.otherRegistry(obs));
    }

    @Bean
    @ConditionalOnObsComponent(ObsMetrics.class)
    ObsMetrics obsMetrics(Observability obs) {
      return ObsComponents.published(obs, ObsMetrics.class).orElseThrow();
    }

    /**
     * obs's JVM and process meters ({@code metrics.jvm.*}), bound by Boot after its meter
     * filters, in place of Boot's JVM and system binders (left out by {@link
     * ObsAutoConfigurationFilter}).
     */
    @Bean
    @ConditionalOnObsComponent(JvmMetricsBinder.class)
    MeterBinder obsJvmMetrics(Observability obs) {
      return ObsComponents.published(obs, JvmMetricsBinder.class).orElseThrow();
    }
  }

  /**
   * Micrometer Tracing on obs's SDK: Boot's Observation handlers find this tracer and propagator,
   * so what Spring Data, Kafka, AMQP, Security or {@code @Observed} observe becomes spans in obs's
   * pipeline, children of obs's own spans.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OtelTracer.class)
  static class MicrometerTracing {

    @Bean
    @ConditionalOnMissingBean
    OtelCurrentTraceContext otelCurrentTraceContext() {
      return new OtelCurrentTraceContext();
    }

    @Bean
    @ConditionalOnMissingBean(io.micrometer.tracing.Tracer.class)
    OtelTracer micrometerTracer(Observability obs, OtelCurrentTraceContext current) {
      List<String> baggage = obs.config().get(CoreKeys.TRACES_BAGGAGE_ATTRIBUTES);
      return new OtelTracer(obs.tracer(OBSERVATION_SCOPE), current, event -> { },
          new OtelBaggageManager(current, baggage, List.of()));
    }

    @Bean
    @ConditionalOnMissingBean(io.micrometer.tracing.propagation.Propagator.class)
    OtelPropagator micrometerPropagator(Observability obs) {
      return new OtelPropagator(obs.openTelemetry().getPropagators(),
          obs.tracer(OBSERVATION_SCOPE));
    }

    /**
     * The handlers that turn Observations into spans, where Boot does not register them: Boot 4
     * keeps them in spring-boot-micrometer-tracing, which an application with only obs's starter
     * does not have (Boot 3's actuator always has them). One first-matching composite in Boot's
     * order, so that each Observation makes one span: an outgoing request's propagating one, an
     * incoming request's, else a plain one.
     */
    @Bean
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationHandler")
    @ConditionalOnMissingClass({
        "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration"})
    ObservationHandler<Observation.Context> obsTracingObservationHandler(OtelTracer tracer,
        OtelPropagator propagator) {
      return new ObservationHandler.FirstMatchingCompositeObservationHandler(
          new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
          new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
          new DefaultTracingObservationHandler(tracer));
    }
  }

  /** Server spans for Spring MVC and any servlet, named by the route Spring matched. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  @Conditional(ObsConditions.HttpInstrumentation.class)
  static class Servlet {

    @Bean
    FilterRegistrationBean<Filter> obsServletFilter(Observability obs, Environment environment) {
      FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(
          UntracedServletFilter.around(
              ObsServletFilter.create(obs), UntracedPaths.from(environment)));
      registration.setName("obsServletFilter");
      registration.addUrlPatterns("/*");
      registration.setDispatcherTypes(DispatcherType.REQUEST);
      registration.setAsyncSupported(true);
      // Before Spring Security's chain (-100), so that refused requests have spans too.
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
      return registration;
    }
  }

  /** Server spans for WebFlux, named by the route WebFlux matched. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
  @Conditional(ObsConditions.HttpInstrumentation.class)
  static class WebFlux {

    @Bean
    ObsWebFilter obsWebFilter(Observability obs, Environment environment) {
      return new ObsWebFilter(obs, UntracedPaths.from(environment));
    }
  }

  /** Spring's own HTTP observations step aside where obs instruments HTTP. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.observation.ObservationPredicate")
  @Conditional(ObsConditions.HttpInstrumentation.class)
  static class HttpObservations {

    @Bean
    HttpObservationFilter obsHttpObservationFilter() {
      return new HttpObservationFilter();
    }
  }

  /** Client spans for the {@code RestClient}, {@code RestTemplate} and {@code WebClient} Boot builds. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.http.client.ClientHttpRequestInterceptor")
  @Conditional(ObsConditions.HttpInstrumentation.class)
  static class HttpClients {

    @Bean
    static ObsHttpClientPostProcessor obsHttpClientPostProcessor(
        ObjectProvider<Observability> obs) {
      return new ObsHttpClientPostProcessor(obs);
    }
  }

  /** obs's readiness in {@code /actuator/health}, Spring Boot 3. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3Health {

    @Bean
    org.springframework.boot.actuate.health.HealthIndicator obsHealthIndicator(
        Observability obs) {
      return new Boot3HealthIndicator(obs);
    }
  }

  /** obs's readiness in {@code /actuator/health}, Spring Boot 4. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot4Health {

    @Bean
    org.springframework.boot.health.contributor.HealthIndicator obsHealthIndicator(
        Observability obs) {
      return new Boot4HealthIndicator(obs);
    }
  }
}
