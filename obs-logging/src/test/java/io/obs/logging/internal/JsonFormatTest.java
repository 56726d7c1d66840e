// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.obs.logging.LogFields;
import io.obs.logging.internal.json.BaggageJsonProvider;
import io.obs.logging.internal.json.CoreFieldsJsonProvider;
import io.obs.logging.internal.json.ErrorJsonProvider;
import io.obs.logging.internal.json.MdcJsonProvider;
import io.obs.logging.internal.json.RequestIdJsonProvider;
import io.obs.logging.internal.json.ResourceJsonProvider;
import io.obs.logging.internal.json.StructuredFieldsJsonProvider;
import io.obs.logging.internal.json.TimestampJsonProvider;
import io.obs.logging.internal.json.TraceContextJsonProvider;
import io.obs.logging.testing.TestEvents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.composite.JsonProviders;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonFormatTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private static LogSettings.Builder settings() {
    return LogSettings.builder()
        .setService("checkout", "2.0.0", "staging")
        .setRedactor(
            Redactor.builder()
                .addDetectors(Detectors.builtIn(Detectors.NAMES))
                .addDenied(Redactor.DEFAULT_DENYLIST)
                .build());
  }

  private static String line(LogSettings settings, LoggingEvent event, Context context) {
    JsonFormat format = new JsonFormat(TestEvents.context(), settings);
    try {
      return new String(
          format.format(PreparedEvent.prepare(event, context, settings)), StandardCharsets.UTF_8);
    } finally {
      format.stop();
    }
  }

  private static Context span() {
    return Context.root()
        .with(
            Span.wrap(
                SpanContext.create(
                    TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault())));
  }

  @Test
  void wholeLineParsesWithEveryFieldInOrder() throws Exception {
    LoggingEvent event =
        event(
            "com.shop.Checkout",
            Level.ERROR,
            "payment {} failed",
            new IllegalStateException("card declined"),
            StructuredArguments.kv("payment_id", "p-9"));
    event.setThreadName("http-1");
    event.setInstant(Instant.parse("2026-03-04T05:06:07.089Z"));
    event.setMDCPropertyMap(Map.of("tenant", "acme"));

    String line = line(settings().build(), event, span());

    assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    JsonNode node = Json.MAPPER.readTree(line);
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "@timestamp",
            "level",
            "logger",
            "thread",
            "message",
            "service.name",
            "service.version",
            "deployment.environment",
            "trace_id",
            "span_id",
            "trace_flags",
            "tenant",
            "payment_id",
            "error.type",
            "error.message",
            "error.stack_trace");
    assertThat(node.get("@timestamp").asText()).isEqualTo("2026-03-04T05:06:07.089Z");
    assertThat(node.get("message").asText()).isEqualTo("payment payment_id=p-9 failed");
    assertThat(node.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(node.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void renamedFieldsAreWrittenUnderTheirNewNames() throws Exception {
    LogSettings renamed =
        settings()
            .setFieldNames(FieldNames.of(Map.of("trace_id", "traceId", "@timestamp", "time")))
            .build();
    JsonNode node = Json.MAPPER.readTree(line(renamed, event(Level.INFO, "m"), span()));
    assertThat(node.has("traceId")).isTrue();
    assertThat(node.has("trace_id")).isFalse();
    assertThat(node.has("time")).isTrue();
  }

  @Test
  void controlCharactersAreEscapedAndTheLineStaysOne() throws Exception {
    String message = "line1\nline2\r\u0000\u001b[31mred\t";
    String line = line(settings().build(), event(Level.INFO, message), Context.root());
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    assertThat(line).doesNotContain("\u0000", "\u001b", "\r");
    assertThat(Json.MAPPER.readTree(line).get("message").asText()).isEqualTo(message);
  }

  @Test
  void unicodeLineBreaksAreEscapedSoLineSplittingToolsSeeOneLine() throws Exception {
    String hostile = "a\u2028b\u2029c\u0085d \u00e9\uD83D\uDE00";
    LoggingEvent event = event("logger\u2028", Level.INFO, hostile, new IllegalStateException(hostile));
    event.setThreadName("t\u2029");
    event.setMDCPropertyMap(Map.of("k\u0085", hostile));
    event.addKeyValuePair(new KeyValuePair("kv", Map.of("nested\u2028", List.of(hostile))));
    String line = line(settings().setRedactor(Redactor.disabled()).build(), event, Context.root());
    assertThat(line).doesNotContain("\u2028", "\u2029", "\u0085");
    assertThat(line).contains("a\\u2028b\\u2029c\\u0085d \u00e9");
    // What a JavaScript or Python reader splits on: exactly one line.
    assertThat(line.split("[\\n\\r\\u000b\\u000c\\u001c-\\u001e\\u0085\\u2028\\u2029]", -1))
        .containsExactly(line.substring(0, line.length() - 1), "");
    JsonNode node = Json.MAPPER.readTree(line);
    assertThat(node.get("message").asText()).isEqualTo(hostile);
    assertThat(node.get("logger").asText()).isEqualTo("logger\u2028");
    assertThat(node.get("thread").asText()).isEqualTo("t\u2029");
    assertThat(node.get("k\u0085").asText()).isEqualTo(hostile);
    assertThat(node.get("kv").get("nested\u2028").get(0).asText()).isEqualTo(hostile);
    assertThat(node.get("error.message").asText()).isEqualTo(hostile);
  }

  @Test
  void invalidSurrogatesDoNotBreakTheJson() throws Exception {
    LoggingEvent event = event("bad\uDC00logger", Level.INFO, "half \uD83D pair and \uDE00", null);
    event.setThreadName("t\uD800");
    event.setMDCPropertyMap(Map.of("k\uD800", "v\uDFFF"));
    String line = line(settings().build(), event, Context.root());
    JsonNode node = Json.MAPPER.readTree(line.getBytes(StandardCharsets.UTF_8));
    assertThat(node.get("message").asText()).isEqualTo("half \uFFFD pair and \uFFFD");
    assertThat(node.get("logger").asText()).isEqualTo("bad\uFFFDlogger");
    assertThat(node.get("k\uFFFD").asText()).isEqualTo("v\uFFFD");
  }

  /**
   * The line logstash-logback-encoder's composite encoder writes with the same providers, which
   * is how obs wrote every line before it drove the providers itself.
   */
  private static byte[] compositeEncoderLine(LogSettings settings, PreparedEvent event) {
    FieldNames names = settings.fieldNames();
    JsonProviders<ILoggingEvent> providers = new JsonProviders<>();
    providers.addProvider(new TimestampJsonProvider(names.get(LogFields.TIMESTAMP)));
    providers.addProvider(new CoreFieldsJsonProvider(names));
    providers.addProvider(new ResourceJsonProvider(names, settings));
    providers.addProvider(new TraceContextJsonProvider(names));
    providers.addProvider(new RequestIdJsonProvider(names));
    providers.addProvider(new BaggageJsonProvider(names));
    providers.addProvider(new MdcJsonProvider(names));
    providers.addProvider(new StructuredFieldsJsonProvider(names));
    providers.addProvider(new ErrorJsonProvider(names));
    LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(TestEvents.context());
    encoder.setProviders(providers);
    encoder.setFindAndRegisterJacksonModules(false);
    encoder.setLineSeparator("UNIX");
    // obs escapes the Unicode line breaks JSON allows raw; with the same escapes the bytes match.
    encoder.setJsonGeneratorDecorator(
        generator -> generator.setCharacterEscapes(JsonFormat.LineBreakEscapes.INSTANCE));
    encoder.start();
    try {
      return encoder.encode(event);
    } finally {
      encoder.stop();
    }
  }

  private static List<LoggingEvent> variedEvents() {
    List<LoggingEvent> events = new ArrayList<>();
    LoggingEvent typical =
        event(
            "com.shop.Orders",
            Level.INFO,
            "User {} placed order {}",
            null,
            "u-4711",
            StructuredArguments.kv("order_id", 1234));
    typical.setMDCPropertyMap(Map.of("tenant", "acme", "user_id", "u-1", "trace_id", TRACE_ID));
    events.add(typical);
    events.add(
        event(
            "l",
            Level.WARN,
            "values",
            null,
            StructuredArguments.kv("long", Long.MIN_VALUE),
            StructuredArguments.kv("nan", Double.NaN),
            StructuredArguments.kv("tiny", 1e-9),
            StructuredArguments.kv("float", 1.1f),
            StructuredArguments.kv("decimal", new java.math.BigDecimal("1.2300")),
            StructuredArguments.kv("password", 99),
            StructuredArguments.kv("nested", Map.of("token", "t", "list", List.of(1, "a@b.co"))),
            StructuredArguments.raw("raw", "{\"n\":1.50}"),
            StructuredArguments.kv("none", null)));
    events.add(event("l", Level.INFO, "ctl \u0000\u001f\"\\ \u2028 caf\u00e9 \uD83D\uDE00 \uD83D", null));
    LoggingEvent mdc = event(Level.DEBUG, "mdc");
    mdc.setMDCPropertyMap(Map.of("k\uD800", "v\n\t", "message", "collides", "password", "x"));
    events.add(mdc);
    events.add(
        event(
            "l",
            Level.ERROR,
            "failed",
            new IllegalStateException("db password=hunter2", new RuntimeException("cause"))));
    return events;
  }

  @Test
  void linesAreByteForByteWhatTheCompositeEncoderWrote() {
    List<LogSettings> variants =
        List.of(
            settings().build(),
            settings()
                .setFieldNames(FieldNames.of(Map.of("message", "msg", "level", "lev\u00e9l\"")))
                .setMaxMessageLength(64)
                .build(),
            LogSettings.builder().build());
    for (LogSettings settings : variants) {
      JsonFormat format = new JsonFormat(TestEvents.context(), settings);
      for (LoggingEvent event : variedEvents()) {
        for (Context context : List.of(Context.root(), span())) {
          PreparedEvent prepared = PreparedEvent.prepare(event, context, settings);
          assertThat(new String(format.format(prepared), StandardCharsets.UTF_8))
              .isEqualTo(new String(compositeEncoderLine(settings, prepared), StandardCharsets.UTF_8));
        }
      }
      format.stop();
    }
  }

  @Test
  void writeToWritesTheSameBytesAsFormat() throws Exception {
    LogSettings settings = settings().build();
    JsonFormat format = new JsonFormat(TestEvents.context(), settings);
    for (LoggingEvent event : variedEvents()) {
      PreparedEvent prepared = PreparedEvent.prepare(event, span(), settings);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      format.writeTo(prepared, out);
      assertThat(out.toByteArray()).isEqualTo(format.format(prepared));
    }
    format.stop();
  }

  @Test
  void threadsFormattingAtOnceEachGetTheirOwnLines() throws Exception {
    LogSettings settings = settings().build();
    JsonFormat format = new JsonFormat(TestEvents.context(), settings);
    int threads = 4;
    int eventsPerThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<String> mismatches = new ArrayList<>();
                  for (int i = 0; i < eventsPerThread; i++) {
                    String message = "thread " + thread + " event " + i + " " + "x".repeat(i % 50);
                    String line =
                        new String(
                            format.format(
                                PreparedEvent.prepare(
                                    event(Level.INFO, message), Context.root(), settings)),
                            StandardCharsets.UTF_8);
                    if (!Json.MAPPER.readTree(line).get("message").asText().equals(message)
                        || !line.endsWith("}\n")) {
                      mismatches.add(line);
                    }
                  }
                  return mismatches;
                }));
      }
      for (Future<List<String>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
      format.stop();
    }
  }

  @Test
  void aStoppedFormatRefusesToWrite() {
    LogSettings settings = settings().build();
    JsonFormat format = new JsonFormat(TestEvents.context(), settings);
    format.stop();
    PreparedEvent prepared = PreparedEvent.prepare(event(Level.INFO, "m"), Context.root(), settings);
    assertThatThrownBy(() -> format.format(prepared)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void hugeMessageIsCutWithTheConfiguredMarker() throws Exception {
    LogSettings small = settings().setMaxMessageLength(100).setTruncationMarker("<cut>").build();
    String line = line(small, event(Level.INFO, "x".repeat(1_000_000)), Context.root());
    assertThat(Json.MAPPER.readTree(line).get("message").asText())
        .isEqualTo("x".repeat(100) + "<cut>");
    assertThat(line.length()).isLessThan(1000);
  }
}
