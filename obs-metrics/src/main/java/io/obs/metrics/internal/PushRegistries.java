// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.logging.LoggingMeterRegistry;
import io.micrometer.core.instrument.logging.LoggingRegistryConfig;
import io.micrometer.registry.otlp.CompressionMode;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.internal.Endpoints;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The push registries (OTLP, console), kept out of {@link
 * MetricsModule} so that their classes (the OTLP registry and its protobuf model, the logging
 * registry) are loaded and verified only when {@code metrics.exporter} names them, not on every
 * start-up.
 */
final class PushRegistries {

  private static final System.Logger LOG = System.getLogger("io.obs");

  private PushRegistries() {}

  static MeterRegistry console(Duration step) {
    return new LoggingMeterRegistry(
        new LoggingRegistryConfig() {
          @Override
          public @Nullable String get(String key) {
            return null;
          }

          @Override
          public Duration step() {
            return step;
          }
        },
        Clock.SYSTEM);
  }

  static @Nullable MeterRegistry otlp(ObsConfig config, Resource resource) {
    if (config.get(CoreKeys.EXPORTER_PROTOCOL).equals("grpc")) {
      LOG.log(
          System.Logger.Level.WARNING,
          "obs-metrics: exporter.protocol is grpc; Micrometer meters are pushed over OTLP"
              + " http/protobuf only, so they are not pushed (OpenTelemetry instruments are)."
              + " Use metrics.exporter: both to scrape them, or exporter.protocol: http/protobuf.");
      return null;
    }
    URI endpoint =
        config.find(CoreKeys.EXPORTER_ENDPOINT).orElse(URI.create("http://localhost:4318"));
    // Micrometer prints the URL when it starts publishing: credentials go in a header instead.
    String base = Endpoints.withoutUserInfo(endpoint).toString();
    String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/metrics";
    Map<String, String> headers =
        Endpoints.headers(config.get(CoreKeys.EXPORTER_HEADERS), endpoint);
    Duration step = config.get(CoreKeys.METRICS_EXPORT_INTERVAL);
    Duration timeout = config.get(CoreKeys.EXPORTER_TIMEOUT);
    boolean gzip = config.get(CoreKeys.EXPORTER_COMPRESSION).equals("gzip");
    Map<String, String> attributes = new LinkedHashMap<>();
    // Micrometer describes itself with telemetry.sdk.* and refuses ours (one WARN each).
    resource
        .getAttributes()
        .forEach(
            (key, value) -> {
              if (!key.getKey().startsWith("telemetry.sdk.")) {
                attributes.put(key.getKey(), String.valueOf(value));
              }
            });
    OtlpConfig otlpConfig =
        new OtlpConfig() {
          @Override
          public @Nullable String get(String key) {
            return null;
          }

          @Override
          public String url() {
            return url;
          }

          @Override
          public Duration step() {
            return step;
          }

          @Override
          public Map<String, String> headers() {
            return headers;
          }

          @Override
          public Map<String, String> resourceAttributes() {
            return attributes;
          }

          @Override
          public CompressionMode compressionMode() {
            return gzip ? CompressionMode.GZIP : CompressionMode.NONE;
          }

          // exporter.timeout bounds Micrometer's publishing too, including the one at close.
          @Override
          @SuppressWarnings("deprecation")
          public Duration readTimeout() {
            return timeout;
          }

          @Override
          @SuppressWarnings("deprecation")
          public Duration connectTimeout() {
            return timeout;
          }
        };
    return new OtlpMeterRegistry(otlpConfig, Clock.SYSTEM);
  }
}
