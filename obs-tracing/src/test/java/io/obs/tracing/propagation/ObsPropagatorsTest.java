// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.tracing.internal.HeaderGetter;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.IdGenerator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ObsPropagatorsTest {

  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  // Header names are case-insensitive on the wire; the carrier models that.
  private static final HeaderGetter<Map<String, List<String>>> GETTER =
      new HeaderGetter<>(Map::keySet, Map::get);

  private static Map<String, List<String>> headers(Map<String, String> single) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    single.forEach((k, v) -> map.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    return map;
  }

  private static Map<String, List<String>> headers(String... nameValuePairs) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      map.computeIfAbsent(nameValuePairs[i], x -> new ArrayList<>()).add(nameValuePairs[i + 1]);
    }
    return map;
  }

  private static SpanContext spanContext(boolean sampled) {
    return SpanContext.create(
        IdGenerator.random().generateTraceId(),
        IdGenerator.random().generateSpanId(),
        sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
  }

  private static SpanContext extracted(TextMapPropagator propagator, Map<String, List<String>> carrier) {
    return Span.fromContext(propagator.extract(Context.root(), carrier, GETTER)).getSpanContext();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tracecontext", "b3", "b3multi", "jaeger"})
  void roundTripsTraceIdSpanIdAndSampledFlag(String name) {
    TextMapPropagator propagator = ObsPropagators.create(List.of(name));
    for (boolean sampled : new boolean[] {true, false}) {
      SpanContext original = spanContext(sampled);
      Map<String, String> wire = new LinkedHashMap<>();
      propagator.inject(Context.root().with(Span.wrap(original)), wire, SETTER);
      assertThat(wire).isNotEmpty();

      SpanContext back = extracted(propagator, headers(wire));
      assertThat(back.isValid()).isTrue();
      assertThat(back.isRemote()).isTrue();
      assertThat(back.getTraceId()).isEqualTo(original.getTraceId());
      assertThat(back.getSpanId()).isEqualTo(original.getSpanId());
      assertThat(back.isSampled()).isEqualTo(sampled);
    }
  }

  @Test
  void headerNamesAreTheStandardOnes() {
    SpanContext original = spanContext(true);
    Context context = Context.root().with(Span.wrap(original));
    Map<String, String> wire = new LinkedHashMap<>();
    ObsPropagators.create(List.of("tracecontext", "b3", "b3multi", "jaeger"))
        .inject(context, wire, SETTER);
    assertThat(wire).containsKeys("traceparent", "b3", "X-B3-TraceId", "X-B3-SpanId", "uber-trace-id");
    assertThat(wire.get("traceparent"))
        .isEqualTo("00-" + original.getTraceId() + "-" + original.getSpanId() + "-01");
  }

  @ParameterizedTest
  @ValueSource(strings = {"baggage", "jaeger"})
  void roundTripsBaggage(String name) {
    TextMapPropagator propagator = ObsPropagators.create(List.of("tracecontext", name));
    Baggage baggage = Baggage.builder().put("tenant-id", "acme").put("user-role", "admin").build();
    Context context = Context.root().with(Span.wrap(spanContext(true))).with(baggage);
    Map<String, String> wire = new LinkedHashMap<>();
    propagator.inject(context, wire, SETTER);
    Baggage back = Baggage.fromContext(propagator.extract(Context.root(), headers(wire), GETTER));
    assertThat(back.getEntryValue("tenant-id")).isEqualTo("acme");
    assertThat(back.getEntryValue("user-role")).isEqualTo("admin");
  }

  static Stream<Arguments> garbage() {
    String zeros = "00-00000000000000000000000000000000-0000000000000000-01";
    String huge = "a".repeat(100_000);
    String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    return Stream.of(
        Arguments.of("tracecontext", headers("traceparent", "")),
        Arguments.of("tracecontext", headers("traceparent", "garbage")),
        Arguments.of("tracecontext", headers("traceparent", zeros)),
        Arguments.of("tracecontext", headers("traceparent", "ff-" + valid.substring(3))),
        Arguments.of("tracecontext", headers("traceparent", valid.replace('4', 'Z'))),
        Arguments.of("tracecontext", headers("traceparent", valid + "-" + huge)),
        Arguments.of("tracecontext", headers("traceparent", "00-\u00e9\u00e9\u00e9-\u0000-01")),
        Arguments.of("tracecontext", headers("traceparent", valid, "traceparent", valid.replace("00f0", "11f0"))),
        Arguments.of("b3", headers("b3", "")),
        Arguments.of("b3", headers("b3", "---")),
        Arguments.of("b3", headers("b3", "zz-zz-1")),
        Arguments.of("b3", headers("b3", huge)),
        Arguments.of("b3multi", headers("X-B3-TraceId", "nothex", "X-B3-SpanId", "1")),
        Arguments.of("b3multi", headers("X-B3-TraceId", huge, "X-B3-SpanId", huge)),
        Arguments.of("b3multi", headers("X-B3-SpanId", "00f067aa0ba902b7")),
        Arguments.of("jaeger", headers("uber-trace-id", "")),
        Arguments.of("jaeger", headers("uber-trace-id", ":::")),
        Arguments.of("jaeger", headers("uber-trace-id", "x:y:z:w")),
        Arguments.of("jaeger", headers("uber-trace-id", "%%%%%")),
        Arguments.of("jaeger", headers("uber-trace-id", huge)));
  }

  @ParameterizedTest
  @MethodSource("garbage")
  void garbageStartsANewRootAndNeverThrows(String name, Map<String, List<String>> carrier) {
    TextMapPropagator propagator = ObsPropagators.create(List.of(name, "baggage"));
    assertThat(extracted(propagator, carrier).isValid()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",,,", "=", "k=", "=v", "k=v;;;;=", "\u0000=\u0001", "k=%zz", "k=v,k=v2"})
  void garbageBaggageNeverThrows(String header) {
    TextMapPropagator propagator = ObsPropagators.create(List.of("tracecontext", "baggage"));
    Context context = propagator.extract(Context.root(), headers("baggage", header), GETTER);
    assertThat(Baggage.fromContext(context).size()).isLessThanOrEqualTo(2);
  }

  @Test
  void identicalRepeatedTraceparentIsAccepted() {
    String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    TextMapPropagator propagator = ObsPropagators.create(List.of("tracecontext"));
    assertThat(extracted(propagator, headers("traceparent", valid, "traceparent", valid)).isValid())
        .isTrue();
  }

  @Test
  void conflictingFormatsStartANewRootButAgreeingOnesAreUsed() {
    TextMapPropagator propagator = ObsPropagators.create(List.of("tracecontext", "b3", "baggage"));
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    Map<String, List<String>> agreeing =
        headers(
            "traceparent", "00-" + trace + "-00f067aa0ba902b7-01",
            "b3", trace + "-00f067aa0ba902b7-1",
            "baggage", "tenant-id=acme");
    assertThat(extracted(propagator, agreeing).getTraceId()).isEqualTo(trace);

    Map<String, List<String>> conflicting =
        headers(
            "traceparent", "00-" + trace + "-00f067aa0ba902b7-01",
            "b3", "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
            "baggage", "tenant-id=acme");
    Context context = propagator.extract(Context.root(), conflicting, GETTER);
    assertThat(Span.fromContext(context).getSpanContext().isValid()).isFalse();
    // Baggage is not about the parent and survives.
    assertThat(Baggage.fromContext(context).getEntryValue("tenant-id")).isEqualTo("acme");
  }

  @Test
  void getterThatThrowsIsSurvived() {
    TextMapGetter<Object> hostile =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Object carrier) {
            throw new IllegalStateException("keys");
          }

          @Override
          public String get(Object carrier, String key) {
            throw new IllegalStateException("get");
          }

          @Override
          public Iterator<String> getAll(Object carrier, String key) {
            throw new IllegalStateException("getAll");
          }
        };
    TextMapPropagator propagator =
        ObsPropagators.create(List.of("tracecontext", "baggage", "b3", "b3multi", "jaeger"));
    Context context = propagator.extract(Context.root(), new Object(), hostile);
    assertThat(Span.fromContext(context).getSpanContext().isValid()).isFalse();
  }

  @Test
  void w3cBaggageLimitsAreEnforcedOnExtractAndInject() {
    TextMapPropagator propagator = ObsPropagators.create(List.of("baggage"));
    // Over 8192 bytes: the header is refused whole rather than cut mid-list.
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      big.append(i == 0 ? "" : ",").append("key").append(i).append('=').append("v".repeat(100));
    }
    assertThat(big.length()).isGreaterThan(8192);
    Baggage refused =
        Baggage.fromContext(propagator.extract(Context.root(), headers("baggage", big.toString()), GETTER));
    assertThat(refused.isEmpty()).isTrue();

    // Under 8192 bytes but 100 entries: refused whole too, not cut to the first 64.
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
    }
    assertThat(
            Baggage.fromContext(
                    propagator.extract(Context.root(), headers("baggage", many.toString()), GETTER))
                .isEmpty())
        .isTrue();

    // Exactly 64 entries: all kept.
    String sixtyFour = many.toString().split(",k64=")[0];
    Baggage in =
        Baggage.fromContext(propagator.extract(Context.root(), headers("baggage", sixtyFour), GETTER));
    assertThat(in.size()).isEqualTo(64);
    assertThat(in.getEntryValue("k63")).isEqualTo("v");

    // Two header lines, each under the limit, together over it: both refused.
    String half = "a=" + "x".repeat(5000);
    String otherHalf = "b=" + "y".repeat(5000);
    assertThat(
            Baggage.fromContext(
                    propagator.extract(
                        Context.root(), headers("baggage", half, "baggage", otherHalf), GETTER))
                .isEmpty())
        .isTrue();
    assertThat(
            Baggage.fromContext(propagator.extract(Context.root(), headers("baggage", half), GETTER))
                .getEntryValue("a"))
        .hasSize(5000);

    var builder = Baggage.builder();
    for (int i = 0; i < 200; i++) {
      builder.put("key" + i, "v".repeat(100));
    }
    Map<String, String> wire = new LinkedHashMap<>();
    propagator.inject(Context.root().with(builder.build()), wire, SETTER);
    String header = wire.get("baggage");
    assertThat(header.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192);
    assertThat(header.split(",")).hasSizeLessThanOrEqualTo(64);
  }

  @Test
  void noneAndUnknownNames() {
    Map<String, String> wire = new LinkedHashMap<>();
    ObsPropagators.create(List.of("none"))
        .inject(Context.root().with(Span.wrap(spanContext(true))), wire, SETTER);
    assertThat(wire).isEmpty();
    assertThatThrownBy(() -> ObsPropagators.create(List.of("xray")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xray");
  }
}
