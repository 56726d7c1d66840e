// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys obs-core reads. Modules declare theirs through {@code ObservabilityModule#configKeys}.
 *
 * @since 0.1.0
 */
public final class CoreKeys {

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.bool("enabled")
          .defaultValue(true)
          .description("Switches all telemetry on or off; off gives working no-op telemetry.")
          .alias("OTEL_SDK_DISABLED", CoreKeys::invertBoolean)
          .build();

  public static final ConfigKey<Boolean> FAIL_FAST =
      ConfigKey.bool("fail_fast")
          .defaultValue(false)
          .description("Fail init() when a module cannot start, instead of logging and going on.")
          .build();

  public static final ConfigKey<String> SERVICE_NAME =
      ConfigKey.string("service.name")
          .defaultDescription("derived from the main class or jar name")
          .description("service.name resource attribute.")
          .alias("OTEL_SERVICE_NAME")
          .build();

  public static final ConfigKey<String> SERVICE_VERSION =
      ConfigKey.string("service.version")
          .defaultDescription("the main jar's Implementation-Version, if any")
          .description("service.version resource attribute.")
          .build();

  public static final ConfigKey<String> SERVICE_NAMESPACE =
      ConfigKey.string("service.namespace")
          .description("service.namespace resource attribute.")
          .build();

  public static final ConfigKey<String> SERVICE_ENVIRONMENT =
      ConfigKey.string("service.environment")
          .description("deployment.environment.name resource attribute (and the env label).")
          .build();

  public static final ConfigKey<Map<String, String>> RESOURCE_ATTRIBUTES =
      ConfigKey.map("resource.attributes")
          .defaultValue(Map.of())
          .description("Extra resource attributes; they win over detected ones.")
          .alias("OTEL_RESOURCE_ATTRIBUTES")
          .build();

  public static final ConfigKey<java.net.URI> EXPORTER_ENDPOINT =
      ConfigKey.url("exporter.endpoint")
          .defaultDescription(
              "unset (http://localhost:4318 for http/protobuf, :4317 for grpc, when an exporter"
                  + " is otlp)")
          .description("OTLP endpoint shared by all signals.")
          .alias("OTEL_EXPORTER_OTLP_ENDPOINT")
          .build();

  public static final ConfigKey<String> EXPORTER_PROTOCOL =
      ConfigKey.oneOf("exporter.protocol", "grpc", "http/protobuf")
          .defaultValue("http/protobuf")
          .description("OTLP transport.")
          .alias("OTEL_EXPORTER_OTLP_PROTOCOL")
          .build();

  public static final ConfigKey<Map<String, String>> EXPORTER_HEADERS =
      ConfigKey.map("exporter.headers")
          .defaultValue(Map.of())
          .description("Headers sent with every OTLP request (e.g. an API key); never printed.")
          .alias("OTEL_EXPORTER_OTLP_HEADERS")
          .sensitive()
          .build();

  public static final ConfigKey<String> EXPORTER_COMPRESSION =
      ConfigKey.oneOf("exporter.compression", "none", "gzip")
          .defaultValue("none")
          .description("OTLP request compression.")
          .alias("OTEL_EXPORTER_OTLP_COMPRESSION")
          .build();

  public static final ConfigKey<Duration> EXPORTER_TIMEOUT =
      ConfigKey.duration("exporter.timeout")
          .defaultValue(Duration.ofSeconds(10))
          .description("Deadline of one export request.")
          .alias("OTEL_EXPORTER_OTLP_TIMEOUT")
          .build();

  public static final ConfigKey<Boolean> TRACES_ENABLED =
      ConfigKey.bool("traces.enabled").defaultValue(true).description("Record spans.").build();

  public static final ConfigKey<String> TRACES_EXPORTER =
      ConfigKey.oneOf("traces.exporter", "otlp", "zipkin", "console", "none")
          .defaultDescription(
              "zipkin if traces.zipkin.endpoint is set, else otlp if exporter.endpoint is set,"
                  + " else none")
          .description("Where spans go; console prints one summary line per finished trace.")
          .alias("OTEL_TRACES_EXPORTER", CoreKeys::otelExporterName)
          .build();

  public static final ConfigKey<java.net.URI> TRACES_ZIPKIN_ENDPOINT =
      ConfigKey.url("traces.zipkin.endpoint")
          .defaultDescription("http://localhost:9411/api/v2/spans when traces.exporter is zipkin")
          .description("Zipkin v2 JSON endpoint.")
          .alias("OTEL_EXPORTER_ZIPKIN_ENDPOINT")
          .build();

  public static final ConfigKey<Integer> TRACES_BATCH_QUEUE_SIZE =
      ConfigKey.integer("traces.batch.queue_size")
          .defaultValue(2048)
          .range(1, 1_000_000)
          .description("Spans waiting for export; beyond it new spans are dropped and counted.")
          .alias("OTEL_BSP_MAX_QUEUE_SIZE")
          .build();

  public static final ConfigKey<Integer> TRACES_BATCH_MAX_EXPORT_BATCH_SIZE =
      ConfigKey.integer("traces.batch.max_export_batch_size")
          .defaultValue(512)
          .range(1, 100_000)
          .description("Spans per export request.")
          .alias("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
          .build();

  public static final ConfigKey<Duration> TRACES_BATCH_SCHEDULE_DELAY =
      ConfigKey.duration("traces.batch.schedule_delay")
          .defaultValue(Duration.ofSeconds(1))
          .description("Longest wait before a partial batch is exported.")
          .alias("OTEL_BSP_SCHEDULE_DELAY")
          .build();

  public static final ConfigKey<Duration> TRACES_BATCH_EXPORT_TIMEOUT =
      ConfigKey.duration("traces.batch.export_timeout")
          .defaultValue(Duration.ofSeconds(30))
          .description("Deadline of one span export, retries included.")
          .alias("OTEL_BSP_EXPORT_TIMEOUT")
          .build();

  public static final ConfigKey<Integer> TRACES_BATCH_QUEUE_BYTES =
      ConfigKey.integer("traces.batch.queue_bytes")
          .defaultValue(32 * 1024 * 1024)
          .range(1024 * 1024, Integer.MAX_VALUE)
          .description("Estimated bytes of spans waiting for export; beyond it new spans are"
              + " dropped and counted, so a slow backend cannot fill the heap.")
          .build();

  public static final ConfigKey<Integer> TRACES_LIMITS_ATTRIBUTE_VALUE_LENGTH =
      ConfigKey.integer("traces.limits.attribute_value_length")
          .defaultValue(4096)
          .range(16, 1_000_000)
          .description("Longest attribute value a span keeps, in characters; longer ones are"
              + " cut (values taken from requests have no other bound).")
          .alias("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT")
          .alias("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
          .build();

  public static final ConfigKey<Integer> TRACES_LIMITS_ATTRIBUTES =
      ConfigKey.integer("traces.limits.attributes")
          .defaultValue(128)
          .range(1, 10_000)
          .description("Most attributes one span keeps.")
          .alias("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT")
          .alias("OTEL_ATTRIBUTE_COUNT_LIMIT")
          .build();

  public static final ConfigKey<Integer> TRACES_LIMITS_EVENTS =
      ConfigKey.integer("traces.limits.events")
          .defaultValue(128)
          .range(0, 10_000)
          .description("Most events (exceptions included) one span keeps.")
          .alias("OTEL_SPAN_EVENT_COUNT_LIMIT")
          .build();

  public static final ConfigKey<List<String>> TRACES_BAGGAGE_ATTRIBUTES =
      ConfigKey.list("traces.baggage.attributes")
          .defaultValue(List.of())
          .description(
              "Baggage entries copied onto every span started under them and into log fields.")
          .build();

  public static final ConfigKey<Boolean> METRICS_ENABLED =
      ConfigKey.bool("metrics.enabled").defaultValue(true).description("Record metrics.").build();

  public static final ConfigKey<String> METRICS_EXPORTER =
      ConfigKey.oneOf("metrics.exporter", "prometheus", "otlp", "both", "console", "none")
          .defaultValue("prometheus")
          .description(
              "prometheus: pulled from /metrics (needs obs-metrics); otlp: pushed; both; console;"
                  + " none.")
          .alias("OTEL_METRICS_EXPORTER", CoreKeys::otelExporterName)
          .build();

  public static final ConfigKey<Duration> METRICS_EXPORT_INTERVAL =
      ConfigKey.duration("metrics.export_interval")
          .defaultValue(Duration.ofSeconds(60))
          .description("Push interval for otlp and console metric export.")
          .alias("OTEL_METRIC_EXPORT_INTERVAL")
          .build();

  public static final ConfigKey<Boolean> LOGS_ENABLED =
      ConfigKey.bool("logs.enabled")
          .defaultValue(true)
          .description("Emit log records to the OpenTelemetry logger provider.")
          .build();

  public static final ConfigKey<String> LOGS_EXPORTER =
      ConfigKey.oneOf("logs.exporter", "otlp", "console", "none")
          .defaultDescription("otlp if exporter.endpoint is set, else none")
          .description("Where OpenTelemetry log records go (stdout JSON is obs-logging's).")
          .alias("OTEL_LOGS_EXPORTER", CoreKeys::otelExporterName)
          .build();

  public static final ConfigKey<Boolean> REDACTION_ENABLED =
      ConfigKey.bool("redaction.enabled")
          .defaultValue(true)
          .description(
              "Mask secrets and personal data in every signal before it is written or exported:"
                  + " log lines and records, span names, attributes and events, metric labels.")
          .build();

  public static final ConfigKey<String> REDACTION_MODE =
      ConfigKey.oneOf("redaction.mode", "mask", "hash")
          .defaultValue("mask")
          .description(
              "mask replaces a finding with redaction.mask; hash with a stable keyed hash.")
          .build();

  public static final ConfigKey<String> REDACTION_MASK =
      ConfigKey.string("redaction.mask")
          .defaultValue("****")
          .description("Replacement text in mask mode.")
          .build();

  public static final ConfigKey<List<String>> REDACTION_DETECTORS =
      ConfigKey.list("redaction.detectors")
          .defaultValue(Detectors.NAMES)
          .allowedValues(Detectors.NAMES.toArray(String[]::new))
          .description("Built-in detectors applied to messages and values.")
          .build();

  public static final ConfigKey<List<String>> REDACTION_PATTERNS =
      ConfigKey.list("redaction.patterns")
          .defaultValue(List.of())
          .description("Extra Java regular expressions; every match is redacted.")
          .build();

  public static final ConfigKey<List<String>> REDACTION_DENYLIST =
      ConfigKey.list("redaction.denylist")
          .defaultValue(Redactor.DEFAULT_DENYLIST)
          .description(
              "Field, attribute and label names whose values are always redacted; a name matches"
                  + " when, lower-cased without separators, it equals or ends with an entry.")
          .build();

  public static final ConfigKey<String> REDACTION_HASH_KEY =
      ConfigKey.string("redaction.hash_key")
          .defaultDescription("a random key per process")
          .description(
              "HMAC key for hash mode; set it (e.g. OBS_REDACTION_HASH_KEY) for hashes that"
                  + " match across processes.")
          .sensitive()
          .build();

  public static final ConfigKey<Boolean> SERVER_ENABLED =
      ConfigKey.bool("server.enabled")
          .defaultValue(true)
          .description("Run the embedded endpoint server.")
          .build();

  public static final ConfigKey<String> SERVER_HOST =
      ConfigKey.string("server.host")
          .defaultValue("0.0.0.0")
          .description("Address the endpoint server binds.")
          .build();

  public static final ConfigKey<Integer> SERVER_PORT =
      ConfigKey.integer("server.port")
          .defaultValue(9464)
          .range(0, 65535)
          .description("Endpoint server port; 0 picks a free one (see Observability#serverPort).")
          .build();

  public static final ConfigKey<Integer> SERVER_THREADS =
      ConfigKey.integer("server.threads")
          .defaultValue(2)
          .range(1, 64)
          .description("Worker threads of the endpoint server.")
          .build();

  public static final ConfigKey<Integer> SERVER_MAX_REQUEST_BYTES =
      ConfigKey.integer("server.max_request_bytes")
          .defaultValue(8192)
          .range(256, 1_048_576)
          .description("Largest request (URI plus body) accepted; larger ones get 413 or 414.")
          .build();

  public static final ConfigKey<String> SERVER_PATHS_HEALTH =
      ConfigKey.string("server.paths.health")
          .defaultValue("/healthz")
          .description("Liveness path.")
          .build();

  public static final ConfigKey<String> SERVER_PATHS_READY =
      ConfigKey.string("server.paths.ready")
          .defaultValue("/readyz")
          .description("Readiness path.")
          .build();

  public static final ConfigKey<String> SERVER_PATHS_METRICS =
      ConfigKey.string("server.paths.metrics")
          .defaultValue("/metrics")
          .description("Prometheus scrape path (served by obs-metrics).")
          .build();

  public static final ConfigKey<Duration> SERVER_READINESS_TIMEOUT =
      ConfigKey.duration("server.readiness_timeout")
          .defaultValue(Duration.ofSeconds(2))
          .description("Deadline for all readiness checks of one /readyz request.")
          .build();

  public static final ConfigKey<Duration> SERVER_HEADER_TIMEOUT =
      ConfigKey.duration("server.header_timeout")
          .defaultValue(Duration.ofSeconds(5))
          .description("Time a client has to send a whole request, from connecting (or, on a"
              + " kept-alive connection, from its first byte); slower ones are closed.")
          .build();

  public static final ConfigKey<Duration> SERVER_IDLE_TIMEOUT =
      ConfigKey.duration("server.idle_timeout")
          .defaultValue(Duration.ofSeconds(30))
          .description("A kept-alive connection with no request is closed after this; also the"
              + " time a client has to take a response.")
          .build();

  public static final ConfigKey<Integer> SERVER_MAX_CONNECTIONS =
      ConfigKey.integer("server.max_connections")
          .defaultValue(64)
          .range(1, 10_000)
          .description("Open connections at most; beyond it an idle kept-alive one is closed,"
              + " else the new one is answered 503 and closed.")
          .build();

  public static final ConfigKey<Integer> SERVER_QUEUE_SIZE =
      ConfigKey.integer("server.queue_size")
          .defaultValue(16)
          .range(1, 1024)
          .description("Requests waiting for a worker at most; beyond it a request is answered"
              + " 503 and closed.")
          .build();

  public static final ConfigKey<String> SERVER_TOKEN =
      ConfigKey.string("server.token")
          .description("Bearer token that every request but the health and readiness probes"
              + " must carry in its Authorization header; never printed.")
          .sensitive()
          .build();

  public static final ConfigKey<String> SERVER_TLS_KEYSTORE =
      ConfigKey.string("server.tls.keystore")
          .description("Keystore file with the server's private key and certificate; when set,"
              + " the endpoint server speaks HTTPS only.")
          .build();

  public static final ConfigKey<String> SERVER_TLS_KEYSTORE_PASSWORD =
      ConfigKey.string("server.tls.keystore_password")
          .description("Password of server.tls.keystore and of its key; never printed.")
          .sensitive()
          .build();

  public static final ConfigKey<String> SERVER_TLS_KEYSTORE_TYPE =
      ConfigKey.oneOf("server.tls.keystore_type", "pkcs12", "jks")
          .defaultValue("pkcs12")
          .description("Format of server.tls.keystore.")
          .build();

  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.duration("shutdown.timeout")
          .defaultValue(Duration.ofSeconds(10))
          .description("Deadline for flushing and closing everything at shutdown.")
          .build();

  public static final ConfigKey<Boolean> SHUTDOWN_HOOK =
      ConfigKey.bool("shutdown.hook")
          .defaultValue(true)
          .description("Register a JVM shutdown hook that flushes and closes obs.")
          .build();

  /** Every core key, in documentation order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          ENABLED,
          FAIL_FAST,
          SERVICE_NAME,
          SERVICE_VERSION,
          SERVICE_NAMESPACE,
          SERVICE_ENVIRONMENT,
          RESOURCE_ATTRIBUTES,
          EXPORTER_ENDPOINT,
          EXPORTER_PROTOCOL,
          EXPORTER_HEADERS,
          EXPORTER_COMPRESSION,
          EXPORTER_TIMEOUT,
          TRACES_ENABLED,
          TRACES_EXPORTER,
          TRACES_ZIPKIN_ENDPOINT,
          TRACES_BATCH_QUEUE_SIZE,
          TRACES_BATCH_MAX_EXPORT_BATCH_SIZE,
          TRACES_BATCH_SCHEDULE_DELAY,
          TRACES_BATCH_EXPORT_TIMEOUT,
          TRACES_BATCH_QUEUE_BYTES,
          TRACES_LIMITS_ATTRIBUTE_VALUE_LENGTH,
          TRACES_LIMITS_ATTRIBUTES,
          TRACES_LIMITS_EVENTS,
          TRACES_BAGGAGE_ATTRIBUTES,
          METRICS_ENABLED,
          METRICS_EXPORTER,
          METRICS_EXPORT_INTERVAL,
          LOGS_ENABLED,
          LOGS_EXPORTER,
          REDACTION_ENABLED,
          REDACTION_MODE,
          REDACTION_MASK,
          REDACTION_DETECTORS,
          REDACTION_PATTERNS,
          REDACTION_DENYLIST,
          REDACTION_HASH_KEY,
          SERVER_ENABLED,
          SERVER_HOST,
          SERVER_PORT,
          SERVER_THREADS,
          SERVER_MAX_REQUEST_BYTES,
          SERVER_PATHS_HEALTH,
          SERVER_PATHS_READY,
          SERVER_PATHS_METRICS,
          SERVER_READINESS_TIMEOUT,
          SERVER_HEADER_TIMEOUT,
          SERVER_IDLE_TIMEOUT,
          SERVER_MAX_CONNECTIONS,
          SERVER_QUEUE_SIZE,
          SERVER_TOKEN,
          SERVER_TLS_KEYSTORE,
          SERVER_TLS_KEYSTORE_PASSWORD,
          SERVER_TLS_KEYSTORE_TYPE,
          SHUTDOWN_TIMEOUT,
          SHUTDOWN_HOOK);

  private CoreKeys() {}

  /** The key that switches a discovered module off: {@code modules.<name>.enabled}. */
  public static ConfigKey<Boolean> moduleEnabled(String moduleName) {
    return ConfigKey.bool("modules." + moduleName + ".enabled")
        .defaultValue(true)
        .description("Start the " + moduleName + " module when its jar is on the classpath.")
        .build();
  }

  private static String invertBoolean(String value) {
    String trimmed = value.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("true")) {
      return "false";
    }
    if (trimmed.equals("false")) {
      return "true";
    }
    return value;
  }

  // OpenTelemetry calls the console exporter "logging" in older releases.
  private static String otelExporterName(String value) {
    String trimmed = value.trim().toLowerCase(Locale.ROOT);
    return trimmed.equals("logging") ? "console" : trimmed;
  }
}
