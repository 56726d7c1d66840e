// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.ObsConfig;
import io.obs.spi.SdkSetup;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Collects what modules contribute in {@code configure()}; the
 * current module's name is recorded so a conflict says who set what first.
 */
final class SdkContributions implements SdkSetup {

  record ViewRegistration(InstrumentSelector selector, View view) {}

  record ConfiguredAction(String module, Runnable action) {}

  private final ObsConfig config;
  private final Resource resource;
  private final java.util.Map<Class<?>, Object> components;
  private final @Nullable String host;
  private String currentModule = "obs-core";
  private @Nullable Sampler sampler;
  private @Nullable String samplerOwner;
  private @Nullable TextMapPropagator propagator;
  private @Nullable String propagatorOwner;
  final List<SpanProcessor> spanProcessors = new ArrayList<>();
  final List<UnaryOperator<SpanProcessor>> exportWrappers = new ArrayList<>();
  final List<MetricReader> metricReaders = new ArrayList<>();
  final List<ViewRegistration> views = new ArrayList<>();
  final List<MetricProducer> metricProducers = new ArrayList<>();
  final List<LogRecordProcessor> logRecordProcessors = new ArrayList<>();
  final List<ConfiguredAction> configuredActions = new ArrayList<>();

  SdkContributions(ObsConfig config, Resource resource, java.util.Map<Class<?>, Object> components,
      @Nullable String host) {
    this.config = config;
    this.resource = resource;
    this.components = components;
    this.host = host;
  }

  @Override
  public java.util.Optional<String> host() {
    return java.util.Optional.ofNullable(host);
  }

  @Override
  public <T> void publish(Class<T> type, T component) {
    ObservabilityRuntime.publishComponent(components, type, component);
  }

  @Override
  public <T> void publishLazily(Class<T> type, java.util.function.Supplier<? extends T> factory) {
    ObservabilityRuntime.publishLazily(components, type, factory);
  }

  void setCurrentModule(String name) {
    this.currentModule = name;
  }

  @Override
  public ObsConfig config() {
    return config;
  }

  @Override
  public Resource resource() {
    return resource;
  }

  @Override
  public void setSampler(Sampler sampler) {
    Objects.requireNonNull(sampler, "sampler");
    if (this.sampler != null) {
      throw new IllegalStateException(
          "module " + currentModule + " sets the sampler, but module " + samplerOwner
              + " already did");
    }
    this.sampler = sampler;
    this.samplerOwner = currentModule;
  }

  @Override
  public void setPropagator(TextMapPropagator propagator) {
    Objects.requireNonNull(propagator, "propagator");
    if (this.propagator != null) {
      throw new IllegalStateException(
          "module " + currentModule + " sets the propagator, but module " + propagatorOwner
              + " already did");
    }
    this.propagator = propagator;
    this.propagatorOwner = currentModule;
  }

  @Override
  public void addSpanProcessor(SpanProcessor processor) {
    spanProcessors.add(Objects.requireNonNull(processor, "processor"));
  }

  @Override
  public void wrapExportSpanProcessor(UnaryOperator<SpanProcessor> wrapper) {
    exportWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
  }

  @Override
  public void addMetricReader(MetricReader reader) {
    metricReaders.add(Objects.requireNonNull(reader, "reader"));
  }

  @Override
  public void addMetricProducer(MetricProducer producer) {
    metricProducers.add(Objects.requireNonNull(producer, "producer"));
  }

  @Override
  public void registerView(InstrumentSelector selector, View view) {
    views.add(new ViewRegistration(
        Objects.requireNonNull(selector, "selector"), Objects.requireNonNull(view, "view")));
  }

  @Override
  public void addLogRecordProcessor(LogRecordProcessor processor) {
    logRecordProcessors.add(Objects.requireNonNull(processor, "processor"));
  }

  @Nullable
  Sampler sampler() {
    return sampler;
  }

  @Nullable
  TextMapPropagator propagator() {
    return propagator;
  }

  @Override
  public void onConfigured(Runnable action) {
    configuredActions.add(new ConfiguredAction(currentModule, Objects.requireNonNull(action, "action")));
  }
}
