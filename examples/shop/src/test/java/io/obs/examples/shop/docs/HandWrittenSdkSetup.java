// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import io.obs.Observability;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;

/** The two sides of docs/migration.md's "hand-written SDK set-up" section; both compile here. */
final class HandWrittenSdkSetup {

  private HandWrittenSdkSetup() {}

  static OpenTelemetry before() {
    // tag::before[]
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", "order-service")
        .put("deployment.environment.name", "prod")
        .build()));
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0.1)))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                .setEndpoint("http://otel-collector:4318/v1/traces").build())
            .setMaxQueueSize(4096)
            .build())
        .build();
    SdkMeterProvider meterProvider = SdkMeterProvider.builder()
        .setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                .setEndpoint("http://otel-collector:4318/v1/metrics").build())
            .setInterval(Duration.ofSeconds(30))
            .build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setMeterProvider(meterProvider)
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .buildAndRegisterGlobal();
    Runtime.getRuntime().addShutdownHook(new Thread(sdk::close));
    // end::before[]
    return sdk;
  }

  static OpenTelemetry after() {
    // tag::after[]
    Observability obs = Observability.init();   // everything above now lives in obs.yaml
    OpenTelemetry openTelemetry = obs.openTelemetry();
    // end::after[]
    return openTelemetry;
  }
}
