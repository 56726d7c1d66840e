// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.obs.logging.internal.JsonFormat;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.PreparedEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one typical event with obs's JSON format and full redaction ({@code obsWithRedaction})
 * against a plain {@code LogstashEncoder} ({@code baseline}) writing the same content. Target:
 * obs at most 1.3 times the baseline.
 *
 * <p>The event: timestamp, level, logger, thread, a message with two arguments, one structured
 * argument ({@code kv("order_id", 1234)}), and an MDC of five entries — {@code trace_id}, {@code
 * span_id}, {@code trace_flags} (which obs itself keeps in the MDC while a span is current) and
 * two user keys — the span also being current in the captured OpenTelemetry context. That makes
 * ten fields plus the argument. The baseline runs with its defaults: it also writes {@code
 * @version} and {@code level_value}, obs writes the three resource fields ({@code service.name},
 * {@code service.version}, {@code deployment.environment}) instead. The baseline is deliberately
 * not given those as {@code customFields}: logstash writes custom fields through {@code
 * writeTree}, which costs more than the fields are worth and would flatter the ratio.
 *
 * <p>{@code mdc=fresh} (the realistic case) cycles through {@value #EVENTS} events, each with its
 * own MDC map instance and its own span, as a traced service logs: the span, and so the MDC,
 * changes on every span. {@code tenant} is the same String in every map (set once per request),
 * {@code user_id} a new String in every map (the least favourable case for obs). {@code mdc=shared} gives every event the same map instance, as
 * consecutive events of a thread whose MDC did not change do with Logback's copy-on-write MDC.
 * Both encoders see the same events in the same order: one invocation encodes all of them, and
 * the score is per event. {@code prepareOnly} and {@code formatOnly} split {@code
 * obsWithRedaction} into its two halves. Besides wall-clock time, each reports the CPU time of
 * its thread ({@link CpuTime}), which is what {@link InterleavedRatio} compares.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class EncodeBenchmark {

  /** Enough events that neither encoder finds the previous event's MDC map again. */
  static final int EVENTS = 1024;

  @Param({"fresh", "shared"})
  public String mdc;

  private LoggerContext context;
  private LogstashEncoder logstash;
  private JsonFormat obsFormat;
  private LogSettings settings;
  private LoggingEvent[] events;
  private Context[] otelContexts;
  private PreparedEvent[] prepared;

  @Setup
  public void setUp() {
    context = new LoggerContext();
    Logger logger = context.getLogger("com.shop.checkout.OrderService");
    events = new LoggingEvent[EVENTS];
    otelContexts = new Context[EVENTS];
    prepared = new PreparedEvent[EVENTS];
    Random random = new Random(42);
    Map<String, String> sharedMdc = null;
    for (int i = 0; i < EVENTS; i++) {
      String traceId = hex(random, 32);
      String spanId = hex(random, 16);
      if (mdc.equals("shared") && sharedMdc != null) {
        traceId = sharedMdc.get("trace_id");
        spanId = sharedMdc.get("span_id");
      }
      // Logback's MDC adapter hands events an unmodifiable copy of a HashMap.
      Map<String, String> map = new HashMap<>();
      map.put("tenant", "acme");
      // A new String per event: obs cannot recognise this value from the previous event.
      map.put("user_id", "u-" + (4700 + i % 100));
      map.put("trace_id", traceId);
      map.put("span_id", spanId);
      map.put("trace_flags", "01");
      map = Collections.unmodifiableMap(map);
      if (mdc.equals("shared")) {
        if (sharedMdc == null) {
          sharedMdc = map;
        }
        map = sharedMdc;
      }
      LoggingEvent event =
          new LoggingEvent(
              Logger.class.getName(),
              logger,
              Level.INFO,
              "User {} placed order {} for 3 items",
              null,
              new Object[] {"u-4711", StructuredArguments.kv("order_id", 1234)});
      event.setMDCPropertyMap(map);
      event.setThreadName("http-nio-8080-exec-7");
      event.prepareForDeferredProcessing();
      events[i] = event;
      otelContexts[i] =
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.create(
                          traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault())));
    }

    logstash = new LogstashEncoder();
    logstash.setContext(context);
    logstash.start();

    settings =
        LogSettings.builder()
            .setService("checkout", "1.4.2", "prod")
            .setRedactor(
                Redactor.builder()
                    .addDetectors(Detectors.builtIn(Detectors.NAMES))
                    .addDenied(Redactor.DEFAULT_DENYLIST)
                    .build())
            .build();
    obsFormat = new JsonFormat(context, settings);
    for (int i = 0; i < EVENTS; i++) {
      prepared[i] = PreparedEvent.prepare(events[i], otelContexts[i], settings);
    }
  }

  private static String hex(Random random, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }

  @TearDown
  public void tearDown() {
    logstash.stop();
    obsFormat.stop();
    context.stop();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void baseline(Blackhole bh, CpuTime cpu) {
    long start = CpuTime.now();
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(logstash.encode(events[i]));
    }
    cpu.add(start, EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void prepareOnly(Blackhole bh, CpuTime cpu) {
    long start = CpuTime.now();
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(PreparedEvent.prepare(events[i], otelContexts[i], settings));
    }
    cpu.add(start, EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void formatOnly(Blackhole bh, CpuTime cpu) {
    long start = CpuTime.now();
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(obsFormat.format(prepared[i]));
    }
    cpu.add(start, EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void obsWithRedaction(Blackhole bh, CpuTime cpu) {
    long start = CpuTime.now();
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(obsFormat.format(PreparedEvent.prepare(events[i], otelContexts[i], settings)));
    }
    cpu.add(start, EVENTS);
  }
}
