// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Every propagation format obs reads, fed headers built from valid values and broken at random
 * (truncated, repeated, oversized, control characters, other scripts): extraction never throws,
 * what it accepts is a valid context, and what it keeps of baggage stays small whatever was sent.
 * A fixed budget in every build; {@code -Dobs.fuzz.seconds=600} (and {@code -Dobs.fuzz.seed})
 * for a longer run.
 */
class PropagationFuzzTest {

  private static final List<String> HEADERS = List.of("traceparent", "tracestate", "baggage",
      "b3", "X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "X-B3-ParentSpanId", "uber-trace-id",
      "uberctx-tenant", "X-Request-ID");
  private static final List<String> VALID = List.of(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
      "tenant-id=acme,userId=alice%40example.com;prop=1",
      "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
      "463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312", "1",
      "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1", "acme");

  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  @Test
  void hostileHeadersNeverThrowAndKeepLittle() {
    long seed = Long.getLong("obs.fuzz.seed", 0x7ace_5eedL);
    long budget = System.nanoTime() + Long.getLong("obs.fuzz.seconds", 2) * 1_000_000_000L;
    SplittableRandom random = new SplittableRandom(seed);
    TextMapPropagator propagator = ObsPropagators.create(ObsPropagators.NAMES.stream()
        .filter(n -> !n.equals("none")).toList());
    int cases = 0;
    int accepted = 0;
    for (; cases < 100_000 && System.nanoTime() < budget; cases++) {
      Map<String, String> carrier = new HashMap<>();
      int headers = 1 + random.nextInt(5);
      for (int i = 0; i < headers; i++) {
        carrier.put(HEADERS.get(random.nextInt(HEADERS.size())), value(random));
      }
      Context extracted = propagator.extract(Context.root(), carrier, GETTER);

      Span span = Span.fromContext(extracted);
      if (span.getSpanContext().isValid()) {
        accepted++;
        assertThat(span.getSpanContext().getTraceId()).matches("[0-9a-f]{32}");
        assertThat(span.getSpanContext().getSpanId()).matches("[0-9a-f]{16}");
      }
      Baggage baggage = Baggage.fromContext(extracted);
      long kept = baggage.asMap().entrySet().stream()
          .mapToLong(e -> e.getKey().length() + e.getValue().getValue().length()).sum();
      assertThat(kept).as("seed %d case %d: %s", seed, cases, carrier).isLessThanOrEqualTo(8192);
      Map<String, String> out = new HashMap<>();
      propagator.inject(extracted, out, Map::put);
      assertThat(out.values()).allMatch(v -> v.length() <= 16_384);
    }
    System.out.println("PropagationFuzzTest: " + cases + " carriers, seed " + seed + ", "
        + accepted + " with a valid parent");
    assertThat(cases).isPositive();
  }

  private static String value(SplittableRandom random) {
    String base = VALID.get(random.nextInt(VALID.size()));
    StringBuilder v = new StringBuilder(base);
    switch (random.nextInt(8)) {
      case 0 -> v.setLength(random.nextInt(base.length() + 1));
      case 1 -> v.append(",").append(base.repeat(1 + random.nextInt(2000)));
      case 2 -> v.insert(random.nextInt(v.length() + 1), (char) random.nextInt(0x20));
      case 3 -> v.setCharAt(random.nextInt(v.length()), (char) (0x400 + random.nextInt(0x3000)));
      case 4 -> v.replace(0, v.length(), "x".repeat(random.nextInt(100_000)));
      case 5 -> v.append(";").append("k".repeat(random.nextInt(300))).append("=")
          .append("%".repeat(random.nextInt(50)));
      case 6 -> v.insert(random.nextInt(v.length() + 1), "=,;%\t ");
      default -> { }
    }
    return v.toString();
  }
}
