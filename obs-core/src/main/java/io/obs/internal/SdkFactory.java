// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.internal.redact.Redaction;
import io.obs.internal.redact.Redactor;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.SystemOutLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Builds the one {@link OpenTelemetrySdk} from the validated
 * configuration and what modules contributed. This is the only place obs creates providers,
 * processors and exporters.
 */
final class SdkFactory {

  /** Where each signal goes, said once in the start-up line. */
  record Built(OpenTelemetrySdk sdk, String summary) {}

  private final ObsConfig config;
  private final Resource resource;
  private final SdkContributions contributions;
  private final RuntimeRequest request;
  private final List<String> destinations = new ArrayList<>();
  private final SelfTelemetry telemetry;
  private @Nullable SdkMeterProvider builtMeterProvider;
  private final Supplier<Redactor> redaction;

  SdkFactory(ObsConfig config, Resource resource, SdkContributions contributions,
      RuntimeRequest request) {
    this.config = config;
    this.resource = resource;
    this.contributions = contributions;
    this.request = request;
    // Exporters are built before the meter provider exists; they count only after start-up.
    this.telemetry = new SelfTelemetry(() -> java.util.Objects.requireNonNull(builtMeterProvider));
    this.redaction = Redaction.lazy(config);
  }

  Built build() {
    SdkMeterProvider meterProvider = meterProvider();
    builtMeterProvider = meterProvider;
    SdkTracerProvider tracerProvider = tracerProvider(meterProvider);
    SdkLoggerProvider loggerProvider = loggerProvider(meterProvider);
    TextMapPropagator propagator = contributions.propagator() != null
        ? contributions.propagator()
        : TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setMeterProvider(meterProvider)
        .setLoggerProvider(loggerProvider)
        .setPropagators(ContextPropagators.create(propagator))
        .build();
    return new Built(sdk, String.join(", ", destinations));
  }

  // ---------------------------------------------------------------- metrics

  private SdkMeterProvider meterProvider() {
    SdkMeterProviderBuilder builder = SdkMeterProvider.builder().setResource(resource);
    contributions.views.forEach(v -> builder.registerView(v.selector(), v.view()));
    request.metricReaders().forEach(builder::registerMetricReader);
    if (!config.get(CoreKeys.METRICS_ENABLED)) {
      destinations.add("metrics off");
      return builder.build();
    }
    contributions.metricReaders.forEach(builder::registerMetricReader);
    contributions.metricProducers.forEach(builder::registerMetricProducer);
    String exporter = config.get(CoreKeys.METRICS_EXPORTER);
    // The Prometheus reader comes from obs-metrics through contributions; the push readers are
    // built here.
    if (exporter.equals("otlp") || exporter.equals("both")) {
      builder.registerMetricReader(periodic(otlpMetricExporter()));
    } else if (exporter.equals("console")) {
      builder.registerMetricReader(periodic(LoggingMetricExporter.create()));
    }
    if ((exporter.equals("prometheus") || exporter.equals("both"))
        && contributions.metricReaders.isEmpty()) {
      destinations.add("metrics -> nowhere (metrics.exporter is " + exporter + " but "
          + metricsModuleState() + ")");
    } else {
      destinations.add("metrics -> " + exporter);
    }
    return builder.build();
  }

  /** Why no Prometheus reader was contributed, as it is: absent, switched off, or failed. */
  private String metricsModuleState() {
    for (io.obs.config.ConfigKey<?> key : config.keys()) {
      if (key.path().equals("modules.metrics.enabled")) {
        return config.get(CoreKeys.moduleEnabled("metrics"))
            ? "obs-metrics failed to configure (see the ERROR above)"
            : "modules.metrics.enabled is false (" + config.sourceOf(key) + ")";
      }
    }
    return "obs-metrics is not on the class path";
  }

  private MetricReader periodic(MetricExporter exporter) {
    return PeriodicMetricReader.builder(config.get(CoreKeys.REDACTION_ENABLED)
            ? RedactingExporters.metrics(exporter, redaction)
            : exporter)
        .setInterval(config.get(CoreKeys.METRICS_EXPORT_INTERVAL))
        .build();
  }

  private MetricExporter otlpMetricExporter() {
    String endpoint = otlpEndpoint("/v1/metrics");
    MetricExporter exporter;
    if (grpc()) {
      var builder = OtlpGrpcMetricExporter.builder()
          .setEndpoint(endpoint)
          .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
          .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION));
      headers().forEach(builder::addHeader);
      exporter = builder.build();
    } else {
      var builder = OtlpHttpMetricExporter.builder()
          .setComponentLoader(ExporterSenders.INSTANCE)
          .setEndpoint(endpoint)
          .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
          .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION));
      headers().forEach(builder::addHeader);
      exporter = builder.build();
    }
    return CountingExporters.metrics(exporter, "otlp", endpoint, telemetry);
  }

  // ---------------------------------------------------------------- traces

  private SdkTracerProvider tracerProvider(SdkMeterProvider meterProvider) {
    SdkTracerProviderBuilder builder = SdkTracerProvider.builder().setResource(resource)
        // Values taken from outside (headers, messages) have a length limit: a 100,000-character
        // User-Agent would otherwise be kept whole, once per span.
        .setSpanLimits(SpanLimits.builder()
            .setMaxAttributeValueLength(config.get(CoreKeys.TRACES_LIMITS_ATTRIBUTE_VALUE_LENGTH))
            .setMaxNumberOfAttributes(config.get(CoreKeys.TRACES_LIMITS_ATTRIBUTES))
            .setMaxNumberOfEvents(config.get(CoreKeys.TRACES_LIMITS_EVENTS))
            .build());
    boolean enabled = config.get(CoreKeys.TRACES_ENABLED);
    Sampler sampler = contributions.sampler() != null
        ? contributions.sampler()
        : Sampler.parentBased(Sampler.alwaysOn());
    builder.setSampler(enabled ? sampler : Sampler.alwaysOff());
    if (!enabled) {
      destinations.add("traces off");
      return builder.build();
    }
    contributions.spanProcessors.forEach(builder::addSpanProcessor);
    List<SpanProcessor> exporting = new ArrayList<>();
    String exporterName = config.get(CoreKeys.TRACES_EXPORTER);
    SpanExporter configured = spanExporter(exporterName, meterProvider);
    if (configured != null) {
      exporting.add(batch(configured, exporterName, meterProvider));
    }
    for (SpanExporter extra : request.spanExporters()) {
      String simpleName = extra.getClass().getSimpleName();
      exporting.add(batch(extra, simpleName.isEmpty() ? "custom" : simpleName, meterProvider));
    }
    if (!exporting.isEmpty()) {
      SpanProcessor export = SpanProcessor.composite(exporting);
      for (UnaryOperator<SpanProcessor> wrapper : contributions.exportWrappers) {
        export = wrapper.apply(export);
      }
      builder.addSpanProcessor(export);
    }
    return builder.build();
  }

  /**
   * The batch processor for one exporter, behind a budget that also bounds the waiting spans by
   * their size ({@code traces.batch.queue_bytes}); see {@link SpanQueueBudget}.
   */
  private SpanProcessor batch(SpanExporter exporter, String name, SdkMeterProvider meterProvider) {
    SpanQueueBudget budget = new SpanQueueBudget(config.get(CoreKeys.TRACES_BATCH_QUEUE_BYTES),
        config.get(CoreKeys.TRACES_BATCH_QUEUE_SIZE), name, telemetry);
    return budget.admitting(BatchSpanProcessor.builder(budget.releasing(redacting(exporter)))
        .setMaxQueueSize(config.get(CoreKeys.TRACES_BATCH_QUEUE_SIZE))
        .setMaxExportBatchSize(Math.min(config.get(CoreKeys.TRACES_BATCH_MAX_EXPORT_BATCH_SIZE),
            config.get(CoreKeys.TRACES_BATCH_QUEUE_SIZE)))
        .setScheduleDelay(config.get(CoreKeys.TRACES_BATCH_SCHEDULE_DELAY))
        .setExporterTimeout(config.get(CoreKeys.TRACES_BATCH_EXPORT_TIMEOUT))
        .setMeterProvider(meterProvider)
        .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
        .build());
  }

  /** Every span leaves through the redaction policy, custom exporters' included. */
  private SpanExporter redacting(SpanExporter exporter) {
    return config.get(CoreKeys.REDACTION_ENABLED)
        ? RedactingExporters.spans(exporter, redaction)
        : exporter;
  }

  private @Nullable SpanExporter spanExporter(String name, SdkMeterProvider meterProvider) {
    switch (name) {
      case "otlp" -> {
        String endpoint = otlpEndpoint("/v1/traces");
        SpanExporter exporter;
        if (grpc()) {
          var builder = OtlpGrpcSpanExporter.builder()
              .setEndpoint(endpoint)
              .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
              .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION))
              .setMeterProvider(() -> meterProvider)
              .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
          headers().forEach(builder::addHeader);
          exporter = builder.build();
        } else {
          var builder = OtlpHttpSpanExporter.builder()
              .setComponentLoader(ExporterSenders.INSTANCE)
              .setEndpoint(endpoint)
              .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
              .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION))
              .setMeterProvider(() -> meterProvider)
              .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
          headers().forEach(builder::addHeader);
          exporter = builder.build();
        }
        destinations.add("traces -> otlp " + endpoint);
        return CountingExporters.spans(exporter, "otlp", endpoint, telemetry);
      }
      case "zipkin" -> {
        String endpoint = config.find(CoreKeys.TRACES_ZIPKIN_ENDPOINT)
            .map(URI::toString)
            .orElse("http://localhost:9411/api/v2/spans");
        SpanExporter exporter = ZipkinSpanExporter.builder()
            .setEndpoint(endpoint)
            .setReadTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
            .setMeterProvider(meterProvider)
            .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
            .build();
        destinations.add("traces -> zipkin " + Endpoints.mask(endpoint));
        return CountingExporters.spans(exporter, "zipkin", Endpoints.mask(endpoint), telemetry);
      }
      case "console" -> {
        destinations.add("traces -> console (one line per trace)");
        return new TraceSummaryExporter();
      }
      default -> {
        destinations.add("traces -> none");
        return null;
      }
    }
  }

  // ---------------------------------------------------------------- logs

  private SdkLoggerProvider loggerProvider(SdkMeterProvider meterProvider) {
    SdkLoggerProviderBuilder builder = SdkLoggerProvider.builder().setResource(resource);
    if (!config.get(CoreKeys.LOGS_ENABLED)) {
      destinations.add("logs off");
      return builder.build();
    }
    contributions.logRecordProcessors.forEach(builder::addLogRecordProcessor);
    List<LogRecordExporter> exporters = new ArrayList<>();
    String name = config.get(CoreKeys.LOGS_EXPORTER);
    switch (name) {
      case "otlp" -> {
        String endpoint = otlpEndpoint("/v1/logs");
        LogRecordExporter exporter;
        if (grpc()) {
          var b = OtlpGrpcLogRecordExporter.builder()
              .setEndpoint(endpoint)
              .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
              .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION))
              .setMeterProvider(() -> meterProvider)
              .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
          headers().forEach(b::addHeader);
          exporter = b.build();
        } else {
          var b = OtlpHttpLogRecordExporter.builder()
              .setComponentLoader(ExporterSenders.INSTANCE)
              .setEndpoint(endpoint)
              .setTimeout(config.get(CoreKeys.EXPORTER_TIMEOUT))
              .setCompression(config.get(CoreKeys.EXPORTER_COMPRESSION))
              .setMeterProvider(() -> meterProvider)
              .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
          headers().forEach(b::addHeader);
          exporter = b.build();
        }
        exporters.add(CountingExporters.logs(exporter, "otlp", endpoint, telemetry));
        destinations.add("logs -> otlp " + endpoint);
      }
      case "console" -> {
        exporters.add(SystemOutLogRecordExporter.create());
        destinations.add("logs -> console");
      }
      default -> destinations.add("logs -> none");
    }
    exporters.addAll(request.logRecordExporters());
    for (LogRecordExporter exporter : exporters) {
      LogRecordProcessor processor = BatchLogRecordProcessor.builder(
              config.get(CoreKeys.REDACTION_ENABLED)
                  ? RedactingExporters.logs(exporter, redaction)
                  : exporter)
          .setScheduleDelay(config.get(CoreKeys.TRACES_BATCH_SCHEDULE_DELAY))
          .setMeterProvider(meterProvider)
          .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
          .build();
      builder.addLogRecordProcessor(processor);
    }
    return builder.build();
  }

  // ---------------------------------------------------------------- shared exporter settings

  private boolean grpc() {
    return config.get(CoreKeys.EXPORTER_PROTOCOL).equals("grpc");
  }

  /**
   * The OTLP endpoint for one signal. As in the OpenTelemetry specification, the configured
   * endpoint is a base for http/protobuf (the signal path is appended) and used as is for grpc.
   */
  private String otlpEndpoint(String signalPath) {
    // Credentials in the URL travel as a header (see headers()), so nothing that prints the
    // endpoint prints them.
    String base = config.find(CoreKeys.EXPORTER_ENDPOINT)
        .map(Endpoints::withoutUserInfo)
        .map(URI::toString)
        .orElse(grpc() ? "http://localhost:4317" : "http://localhost:4318");
    if (grpc()) {
      return base;
    }
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + signalPath;
  }

  private Map<String, String> headers() {
    Map<String, String> configured = config.get(CoreKeys.EXPORTER_HEADERS);
    return config.find(CoreKeys.EXPORTER_ENDPOINT)
        .map(endpoint -> Endpoints.headers(configured, endpoint))
        .orElse(configured);
  }

}
