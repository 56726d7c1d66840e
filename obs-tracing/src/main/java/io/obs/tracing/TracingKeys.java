// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import io.obs.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code obs.yaml} keys read by the tracing module. Exporter, batch and baggage-allowlist keys
 * belong to obs-core ({@link io.obs.config.CoreKeys}).
 *
 * @since 0.1.0
 */
public final class TracingKeys {

  /** What OTEL_TRACES_SAMPLER takes, in OpenTelemetry's names, for the error about other values. */
  private static final String OTEL_SAMPLERS =
      "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off,"
          + " parentbased_traceidratio (OpenTelemetry's names), or obs's own: ratio, rate_limiting,"
          + " adaptive, tail";

  public static final ConfigKey<String> SAMPLER_TYPE =
      ConfigKey.oneOf(
              "traces.sampler.type",
              "always_on",
              "always_off",
              "ratio",
              "rate_limiting",
              "adaptive",
              "tail")
          .defaultValue("always_on")
          .description(
              "Which sampler decides: always_on, always_off, ratio, rate_limiting, adaptive or"
                  + " tail.")
          .alias("OTEL_TRACES_SAMPLER", TracingKeys::otelSamplerType, OTEL_SAMPLERS)
          .build();

  public static final ConfigKey<Boolean> SAMPLER_PARENTBASED =
      ConfigKey.bool("traces.sampler.parentbased")
          .defaultValue(true)
          .description(
              "Follow the sampled flag of a parent span; the sampler decides only for new traces.")
          .alias("OTEL_TRACES_SAMPLER", TracingKeys::otelParentBased)
          .build();

  public static final ConfigKey<Double> SAMPLER_RATIO =
      ConfigKey.decimal("traces.sampler.ratio")
          .defaultValue(1.0)
          .range(0.0, 1.0)
          .description("Fraction of new traces kept by the ratio sampler (by trace id).")
          .alias("OTEL_TRACES_SAMPLER_ARG")
          .build();

  public static final ConfigKey<Double> SAMPLER_RATE =
      ConfigKey.decimal("traces.sampler.rate")
          .defaultValue(10.0)
          .range(0.001, 1_000_000)
          .description("rate_limiting: most new traces kept per second (token bucket).")
          .build();

  public static final ConfigKey<Double> SAMPLER_TARGET =
      ConfigKey.decimal("traces.sampler.target")
          .defaultValue(10.0)
          .range(0.001, 1_000_000)
          .description("adaptive: new traces per second the sampler aims at.")
          .build();

  public static final ConfigKey<Duration> SAMPLER_ADAPTIVE_WINDOW =
      ConfigKey.duration("traces.sampler.adaptive.window")
          .defaultValue(Duration.ofSeconds(10))
          .description("adaptive: sliding window over which the incoming rate is measured.")
          .build();

  public static final ConfigKey<String> SAMPLER_TAIL_BASE =
      ConfigKey.oneOf(
              "traces.sampler.tail.base",
              "always_on",
              "always_off",
              "ratio",
              "rate_limiting",
              "adaptive")
          .defaultValue("always_off")
          .description(
              "tail: the sampler that decides for traces with no error and no slow root (and"
                  + " whose decision is propagated downstream).")
          .build();

  public static final ConfigKey<Duration> SAMPLER_TAIL_LATENCY_THRESHOLD =
      ConfigKey.duration("traces.sampler.tail.latency_threshold")
          .defaultValue(Duration.ofSeconds(1))
          .description("tail: a local trace whose root took longer than this is kept.")
          .build();

  public static final ConfigKey<Integer> SAMPLER_TAIL_MAX_TRACES =
      ConfigKey.integer("traces.sampler.tail.max_traces")
          .defaultValue(10_000)
          .range(1, 10_000_000)
          .description(
              "tail: most local traces buffered at once; beyond it the oldest is decided early.")
          .build();

  public static final ConfigKey<Integer> SAMPLER_TAIL_MAX_SPANS_PER_TRACE =
      ConfigKey.integer("traces.sampler.tail.max_spans_per_trace")
          .defaultValue(1000)
          .range(1, 1_000_000)
          .description("tail: most spans buffered for one trace; further spans are dropped.")
          .build();

  public static final ConfigKey<Duration> SAMPLER_TAIL_TIMEOUT =
      ConfigKey.duration("traces.sampler.tail.timeout")
          .defaultValue(Duration.ofSeconds(30))
          .description(
              "tail: a local trace whose root has not ended after this long is decided early.")
          .build();

  public static final ConfigKey<List<String>> PROPAGATORS =
      ConfigKey.list("traces.propagators")
          .defaultValue(List.of("tracecontext", "baggage"))
          .allowedValues("tracecontext", "baggage", "b3", "b3multi", "jaeger", "none")
          .description("Context propagation formats, extracted and injected in this order.")
          .alias("OTEL_PROPAGATORS")
          .build();

  public static final ConfigKey<Boolean> REQUEST_ID_ENABLED =
      ConfigKey.bool("traces.request_id.enabled")
          .defaultValue(true)
          .description(
              "Accept or generate a request id per server request, echo it and set"
                  + " http.request.id.")
          .build();

  public static final ConfigKey<String> REQUEST_ID_HEADER =
      ConfigKey.string("traces.request_id.header")
          .defaultValue("X-Request-ID")
          .description("Header that carries the request id in and out.")
          .build();

  public static final ConfigKey<Boolean> HTTP_CAPTURE_QUERY_VALUES =
      ConfigKey.bool("traces.http.capture_query_values")
          .defaultValue(false)
          .description(
              "Record query values in url.query/url.full; by default each value is REDACTED"
                  + " (keys are kept).")
          .build();

  /** Every tracing key, in documentation order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          SAMPLER_TYPE,
          SAMPLER_PARENTBASED,
          SAMPLER_RATIO,
          SAMPLER_RATE,
          SAMPLER_TARGET,
          SAMPLER_ADAPTIVE_WINDOW,
          SAMPLER_TAIL_BASE,
          SAMPLER_TAIL_LATENCY_THRESHOLD,
          SAMPLER_TAIL_MAX_TRACES,
          SAMPLER_TAIL_MAX_SPANS_PER_TRACE,
          SAMPLER_TAIL_TIMEOUT,
          PROPAGATORS,
          REQUEST_ID_ENABLED,
          REQUEST_ID_HEADER,
          HTTP_CAPTURE_QUERY_VALUES);

  private TracingKeys() {}

  // OTEL_TRACES_SAMPLER names both the sampler and whether it is parent-based in one value.
  static String otelSamplerType(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("parentbased_")) {
      v = v.substring("parentbased_".length());
    }
    return v.equals("traceidratio") ? "ratio" : v;
  }

  static String otelParentBased(String value) {
    return String.valueOf(value.trim().toLowerCase(Locale.ROOT).startsWith("parentbased_"));
  }
}
