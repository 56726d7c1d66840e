// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import static io.obs.tracing.TestObs.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingModuleTest {

  @AfterEach
  void shutdown() {
    Observability.shutdown();
  }

  private static void roots(Tracer tracer, int count) {
    for (int i = 0; i < count; i++) {
      tracer.spanBuilder("root-" + i).startSpan().end();
    }
  }

  private static Context remoteParent(boolean sampled) {
    SpanContext parent =
        SpanContext.createFromRemoteParent(
            IdGenerator.random().generateTraceId(),
            IdGenerator.random().generateSpanId(),
            sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            TraceState.getDefault());
    return Context.root().with(Span.wrap(parent));
  }

  @Test
  void isDiscoveredAndStartsAsTheTracingModule() {
    try (TestObs t = TestObs.start(Map.of())) {
      assertThat(t.obs.modules()).contains("tracing");
      Tracer tracer = t.obs.tracer("test");
      roots(tracer, 3);
      assertThat(t.awaitSpans(3)).hasSize(3);
      assertThat(t.counter("obs.traces.sampled", attr("sampler", "always_on"))).isEqualTo(3);
    }
  }

  @Test
  void alwaysOffKeepsNothingAndCountsEveryDrop() {
    try (TestObs t = TestObs.start(Map.of("traces.sampler.type", "always_off"))) {
      roots(t.obs.tracer("test"), 50);
      assertThat(t.flushedSpans()).isEmpty();
      assertThat(t.counter("obs.traces.dropped", attr("reason", "always_off"))).isEqualTo(50);
      assertThat(t.counter("obs.traces.sampled", a -> true)).isZero();
    }
  }

  @Test
  void ratioKeepsAboutThatShareAndCountsBothOutcomes() {
    try (TestObs t =
        TestObs.start(Map.of("traces.sampler.type", "ratio", "traces.sampler.ratio", "0.25"))) {
      roots(t.obs.tracer("test"), 4000);
      long sampled = t.counter("obs.traces.sampled", attr("sampler", "ratio"));
      long dropped = t.counter("obs.traces.dropped", attr("reason", "ratio"));
      assertThat(sampled).isBetween(800L, 1200L);
      assertThat(sampled + dropped).isEqualTo(4000);
      assertThat(t.awaitSpans((int) sampled)).hasSize((int) sampled);
    }
  }

  @Test
  void parentBasedFollowsTheRemoteParentsFlagByDefault() {
    try (TestObs t =
        TestObs.start(Map.of("traces.sampler.type", "ratio", "traces.sampler.ratio", "0"))) {
      Tracer tracer = t.obs.tracer("test");
      tracer.spanBuilder("kept").setParent(remoteParent(true)).startSpan().end();
      tracer.spanBuilder("not-kept").setParent(remoteParent(false)).startSpan().end();
      tracer.spanBuilder("new-root").startSpan().end();
      List<SpanData> spans = t.awaitSpans(1);
      assertThat(spans).extracting(SpanData::getName).containsExactly("kept");
      assertThat(t.counter("obs.traces.dropped", attr("reason", "parent_not_sampled")))
          .isEqualTo(1);
      assertThat(t.counter("obs.traces.dropped", attr("reason", "ratio"))).isEqualTo(1);
    }
  }

  @Test
  void parentBasedOffLetsTheSamplerOverruleTheParent() {
    try (TestObs t =
        TestObs.start(
            Map.of(
                "traces.sampler.type", "always_off",
                "traces.sampler.parentbased", "false"))) {
      t.obs.tracer("test").spanBuilder("x").setParent(remoteParent(true)).startSpan().end();
      assertThat(t.flushedSpans()).isEmpty();
    }
  }

  @Test
  void otelSamplerVariablesAreUnderstood() {
    try (TestObs t =
        TestObs.start(
            Map.of(),
            Map.of(
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0.0"))) {
      assertThat(t.obs.config().get(TracingKeys.SAMPLER_TYPE)).isEqualTo("ratio");
      assertThat(t.obs.config().get(TracingKeys.SAMPLER_PARENTBASED)).isTrue();
      assertThat(t.obs.config().get(TracingKeys.SAMPLER_RATIO)).isEqualTo(0.0);
      roots(t.obs.tracer("test"), 10);
      assertThat(t.flushedSpans()).isEmpty();
    }
    Observability.shutdown();
    try (TestObs t = TestObs.start(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "always_off"))) {
      assertThat(t.obs.config().get(TracingKeys.SAMPLER_TYPE)).isEqualTo("always_off");
      assertThat(t.obs.config().get(TracingKeys.SAMPLER_PARENTBASED)).isFalse();
    }
  }

  @Test
  void rateLimitingFromConfigCapsNewTraces() {
    try (TestObs t =
        TestObs.start(Map.of("traces.sampler.type", "rate_limiting", "traces.sampler.rate", "5"))) {
      long start = System.nanoTime();
      roots(t.obs.tracer("test"), 200);
      double seconds = (System.nanoTime() - start) / 1e9;
      long sampled = t.counter("obs.traces.sampled", attr("sampler", "rate_limiting"));
      // A full bucket of 5 plus what refilled while the loop ran.
      assertThat(sampled).isBetween(5L, 5L + (long) Math.ceil(seconds * 5));
      assertThat(t.counter("obs.traces.dropped", attr("reason", "rate_limited")))
          .isEqualTo(200 - sampled);
    }
  }

  @Test
  void adaptiveFromConfigStartsByKeepingEverything() {
    try (TestObs t =
        TestObs.start(Map.of("traces.sampler.type", "adaptive", "traces.sampler.target", "100"))) {
      roots(t.obs.tracer("test"), 20);
      assertThat(t.counter("obs.traces.sampled", attr("sampler", "adaptive"))).isEqualTo(20);
    }
  }
}
