// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

import io.obs.config.ObsConfig;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.function.UnaryOperator;

/**
 * What a module may contribute to the shared SDK before obs-core builds it. Modules never build
 * providers themselves; they hand pieces to obs-core here. Components {@linkplain #publish
 * published} here are there as soon as {@code init()} returns, so whatever the application records
 * through them from its next statement on is kept.
 *
 * @since 0.1.0
 */
public interface SdkSetup extends Components {

  /** The resolved, validated configuration. */
  ObsConfig config();

  /** The resource every signal will carry. */
  Resource resource();

  /**
   * The application framework that starts obs, if any (see {@link ModuleContext#host()}).
   */
  java.util.Optional<String> host();

  /**
   * Sets the head sampler. Only one module may do so; a second call fails. Without a call the
   * sampler is {@code parentbased_always_on}.
   */
  void setSampler(Sampler sampler);

  /**
   * Sets the propagators used for inject and extract. Only one module may do so. Without a call
   * they are W3C {@code tracecontext} and {@code baggage}.
   */
  void setPropagator(TextMapPropagator propagator);

  /** Adds a span processor that runs before the exporting processor, in call order. */
  void addSpanProcessor(SpanProcessor processor);

  /**
   * Wraps the processor that exports spans (the batch processor in front of the configured
   * exporter), e.g. to hold spans back for tail sampling. Wrappers apply in call order.
   */
  void wrapExportSpanProcessor(UnaryOperator<SpanProcessor> wrapper);

  /** Adds a metric reader to the shared meter provider (e.g. a Prometheus pull reader). */
  void addMetricReader(MetricReader reader);

  /**
   * Adds a producer of ready-made metric data (e.g. histograms aggregated in the kernel), read by
   * every metric reader at collection time.
   */
  void addMetricProducer(MetricProducer producer);

  /** Registers a view on the shared meter provider (bucket boundaries, attribute filters). */
  void registerView(InstrumentSelector selector, View view);

  /** Adds a log record processor that runs before the exporting processor, in call order. */
  void addLogRecordProcessor(LogRecordProcessor processor);

  /**
   * Runs the action once every module has configured and the SDK is built, still inside {@code
   * init()} (modules start later, on obs's start-up thread). For what must hold as soon as
   * {@code init()} returns but only after every module's {@code configure}: reading the current
   * context, say, which closes OpenTelemetry's list of context-storage wrappers. Actions run in
   * call order; a failing one is reported like a failed {@code configure} of its module.
   */
  void onConfigured(Runnable action);
}
