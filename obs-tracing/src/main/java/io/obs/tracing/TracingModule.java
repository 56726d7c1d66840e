// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import io.obs.config.ConfigKey;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.spi.ModuleContext;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import io.obs.tracing.internal.ContextAttributesSpanProcessor;
import io.obs.tracing.internal.CountingSampler;
import io.obs.tracing.internal.SafePropagator;
import io.obs.tracing.internal.SelfMetrics;
import io.obs.tracing.internal.TailHeadSampler;
import io.obs.tracing.internal.TailSamplingSpanProcessor;
import io.obs.tracing.sampling.AdaptiveSampler;
import io.obs.tracing.sampling.RateLimitingSampler;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;

/**
 * The tracing module: sets the sampler and propagators from {@code traces.sampler.*} and {@code
 * traces.propagators}, copies allow-listed baggage and the request id onto spans, and runs the
 * tail sampler in front of the exporter when {@code traces.sampler.type} is {@code tail}. Found by
 * {@link java.util.ServiceLoader}; switched off with {@code modules.tracing.enabled: false}.
 *
 * @since 0.1.0
 */
public final class TracingModule implements ObservabilityModule {

  private final SelfMetrics metrics = new SelfMetrics();

  /** Called by {@link java.util.ServiceLoader}. */
  public TracingModule() {}

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public int order() {
    return 200;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TracingKeys.ALL;
  }

  @Override
  public void configure(SdkSetup setup) {
    ObsConfig config = setup.config();
    setup.setSampler(sampler(config, metrics));
    setup.setPropagator(SafePropagator.of(config.get(TracingKeys.PROPAGATORS), metrics));
    List<String> baggageKeys = config.get(CoreKeys.TRACES_BAGGAGE_ATTRIBUTES);
    boolean requestId = config.get(TracingKeys.REQUEST_ID_ENABLED);
    if (!baggageKeys.isEmpty() || requestId) {
      setup.addSpanProcessor(new ContextAttributesSpanProcessor(baggageKeys, requestId));
    }
    if (config.get(TracingKeys.SAMPLER_TYPE).equals("tail")) {
      TailSamplingSpanProcessor.Settings settings =
          new TailSamplingSpanProcessor.Settings(
              config.get(TracingKeys.SAMPLER_TAIL_LATENCY_THRESHOLD),
              config.get(TracingKeys.SAMPLER_TAIL_MAX_TRACES),
              config.get(TracingKeys.SAMPLER_TAIL_MAX_SPANS_PER_TRACE),
              config.get(TracingKeys.SAMPLER_TAIL_TIMEOUT));
      setup.wrapExportSpanProcessor(
          export -> new TailSamplingSpanProcessor(export, settings, metrics));
    }
  }

  @Override
  public void start(ModuleContext context) {
    metrics.bind(context.selfMeter());
  }

  @Override
  public void stop() {
    metrics.unbind();
  }

  /** The head sampler for the configuration, counting its decisions (tail counts its own). */
  static Sampler sampler(ObsConfig config, SelfMetrics metrics) {
    String type = config.get(TracingKeys.SAMPLER_TYPE);
    boolean parentBased = config.get(TracingKeys.SAMPLER_PARENTBASED);
    if (type.equals("tail")) {
      Sampler base = base(config.get(TracingKeys.SAMPLER_TAIL_BASE), config);
      return new TailHeadSampler(parentBased ? Sampler.parentBased(base) : base);
    }
    Sampler base = base(type, config);
    Sampler head = parentBased ? Sampler.parentBased(base) : base;
    return new CountingSampler(head, type, dropReason(type), metrics);
  }

  private static Sampler base(String type, ObsConfig config) {
    return switch (type) {
      case "always_on" -> Sampler.alwaysOn();
      case "always_off" -> Sampler.alwaysOff();
      case "ratio" -> Sampler.traceIdRatioBased(config.get(TracingKeys.SAMPLER_RATIO));
      case "rate_limiting" -> RateLimitingSampler.create(config.get(TracingKeys.SAMPLER_RATE));
      case "adaptive" ->
          AdaptiveSampler.builder(config.get(TracingKeys.SAMPLER_TARGET))
              .setWindow(config.get(TracingKeys.SAMPLER_ADAPTIVE_WINDOW))
              .build();
      default -> throw new IllegalArgumentException("unknown sampler type " + type);
    };
  }

  private static String dropReason(String type) {
    return switch (type) {
      case "rate_limiting" -> "rate_limited";
      default -> type;
    };
  }
}
