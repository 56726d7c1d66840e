// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.Observability;
import io.obs.config.ObsConfigException;
import io.obs.logging.internal.AsyncLogWriter;
import io.obs.logging.internal.Json;
import io.obs.logging.internal.MdcContextStorage;
import io.obs.logging.testing.BlockingSink;
import io.obs.logging.testing.TestEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * obs-logging end to end: a real Logback logger with an {@link ObsAppender}, a real {@code
 * Observability.init()} that discovers the logging module, and the SDK's in-memory exporters.
 */
class ObsLoggingTest {

  private final LoggerContext context = TestEvents.context();
  private final List<ObsAppender> appenders = new ArrayList<>();
  private String loggerName;

  @BeforeEach
  void name() {
    loggerName = "e2e." + UUID.randomUUID().toString().replace("-", "");
  }

  @AfterEach
  void tearDown() {
    Observability.shutdown();
    for (ObsAppender appender : appenders) {
      appender.stop();
      context.getLogger(loggerName).detachAppender(appender);
    }
  }

  private Logger logger(BlockingSink sink) {
    ObsAppender appender = new ObsAppender(() -> sink);
    appender.setContext(context);
    appender.setName("test-" + loggerName);
    appender.start();
    appenders.add(appender);
    Logger logger = context.getLogger(loggerName);
    logger.setAdditive(false);
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    return logger;
  }

  private AsyncLogWriter writer() {
    return Objects.requireNonNull(appenders.get(0).internalWriter());
  }

  private static Observability.Builder obs() {
    return Observability.builder()
        .setRegisterGlobal(false)
        .set("server.enabled", "false")
        .set("metrics.exporter", "none")
        .set("shutdown.hook", "false")
        .set("service.name", "e2e-svc")
        .set("service.environment", "test");
  }

  // The in-memory exporter forgets everything when it is shut down, so flush instead.
  private void flush(Observability obs) {
    // Export is connected by the module's start(), on obs's start-up thread; until then events are
    // kept for it, so a flush before that would find nothing to flush yet.
    try {
      assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(writer().drain(Duration.ofSeconds(10))).isTrue();
    assertThat(
            ((OpenTelemetrySdk) obs.openTelemetry())
                .getSdkLoggerProvider()
                .forceFlush()
                .join(10, TimeUnit.SECONDS)
                .isSuccess())
        .isTrue();
  }

  private List<JsonNode> lines(BlockingSink sink) {
    assertThat(writer().drain(Duration.ofSeconds(10))).isTrue();
    List<JsonNode> out = new ArrayList<>();
    for (String line : sink.lines()) {
      try {
        out.add(Json.MAPPER.readTree(line));
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + line, e);
      }
    }
    return out;
  }

  private static JsonNode byMessage(List<JsonNode> lines, String message) {
    return lines.stream()
        .filter(l -> l.path("message").asText().equals(message))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + message + "' in " + lines));
  }

  @Test
  @SuppressWarnings("try") // the scope is only held open
  void insideASpanTheLineAndTheMdcCarryItsIdsAndOutsideNeither() {
    BlockingSink sink = BlockingSink.open();
    Logger logger = logger(sink);
    Observability obs = obs().build();
    assertThat(MdcContextStorage.isActive()).isTrue();

    Span span = obs.tracer("test").spanBuilder("work").startSpan();
    SpanContext ids = span.getSpanContext();
    try (Scope ignored = span.makeCurrent()) {
      logger.info("inside");
      assertThat(MDC.get(LogFields.TRACE_ID)).isEqualTo(ids.getTraceId());
      assertThat(MDC.get(LogFields.SPAN_ID)).isEqualTo(ids.getSpanId());
      assertThat(MDC.get(LogFields.TRACE_FLAGS)).isEqualTo(ids.getTraceFlags().asHex());
    } finally {
      span.end();
    }
    assertThat(MDC.get(LogFields.TRACE_ID)).isNull();
    logger.info("outside");

    List<JsonNode> lines = lines(sink);
    JsonNode inside = byMessage(lines, "inside");
    assertThat(inside.get("trace_id").asText()).isEqualTo(ids.getTraceId());
    assertThat(inside.get("span_id").asText()).isEqualTo(ids.getSpanId());
    assertThat(inside.get("service.name").asText()).isEqualTo("e2e-svc");
    assertThat(inside.get("deployment.environment").asText()).isEqualTo("test");
    JsonNode outside = byMessage(lines, "outside");
    assertThat(outside.has("trace_id")).isFalse();
    assertThat(outside.has("span_id")).isFalse();
  }

  @Test
  @SuppressWarnings("try") // the scope is only held open
  void eventsAreExportedOverTheSharedLoggerProviderAfterThoseLoggedBeforeInitInOrder() {
    BlockingSink sink = BlockingSink.open();
    Logger logger = logger(sink);
    logger.info("pre 1");
    logger.warn("pre 2");
    logger.debug("pre 3");
    InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
    Observability obs = obs().addLogRecordExporter(exporter).build();

    Span span = obs.tracer("test").spanBuilder("export").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      MDC.put("tenant", "acme");
      logger.error(
          "charge for {} with password=hunter2 failed",
          StructuredArguments.kv("order_id", 42),
          new IllegalStateException("declined"));
    } finally {
      MDC.remove("tenant");
      span.end();
    }
    flush(obs);

    List<LogRecordData> records =
        exporter.getFinishedLogRecordItems().stream()
            .filter(r -> r.getInstrumentationScopeInfo().getName().equals(loggerName))
            .toList();
    assertThat(records)
        .extracting(r -> r.getBodyValue().asString())
        .containsExactly(
            "pre 1", "pre 2", "pre 3", "charge for order_id=42 with password=**** failed");
    LogRecordData last = records.get(3);
    assertThat(last.getSeverity()).isEqualTo(Severity.ERROR);
    assertThat(last.getSeverityText()).isEqualTo("ERROR");
    assertThat(last.getSpanContext().getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(last.getSpanContext().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(last.getAttributes().get(AttributeKey.longKey("order_id"))).isEqualTo(42L);
    assertThat(last.getAttributes().get(AttributeKey.stringKey("tenant"))).isEqualTo("acme");
    assertThat(last.getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(last.getResource().getAttribute(AttributeKey.stringKey("service.name")))
        .isEqualTo("e2e-svc");
    assertThat(records.get(1).getSeverity()).isEqualTo(Severity.WARN);
    assertThat(records.get(0).getSpanContext().isValid()).isFalse();
  }

  @Test
  void preInitOverflowIsReportedAndTheOldestEventsAreKept() throws Exception {
    BlockingSink sink = BlockingSink.open();
    Logger logger = logger(sink);
    for (int i = 0; i < 1010; i++) {
      logger.info("early {}", i);
    }
    assertThat(writer().drain(Duration.ofSeconds(10))).isTrue();
    InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
    Observability obs = obs().addLogRecordExporter(exporter).build();
    assertThat(sink.awaitLine("10 log events from before Observability.init() were not exported"))
        .isTrue();
    flush(obs);
    List<String> bodies =
        exporter.getFinishedLogRecordItems().stream()
            .filter(r -> r.getInstrumentationScopeInfo().getName().equals(loggerName))
            .map(r -> r.getBodyValue().asString())
            .toList();
    assertThat(bodies).hasSize(1000).startsWith("early 0", "early 1").endsWith("early 999");
  }

  @Test
  void dropsAreCountedInTheSelfMetricPerLevel() throws Exception {
    BlockingSink sink = BlockingSink.blocked();
    Logger logger = logger(sink);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    Observability obs = obs().set("logs.queue_size", "100").addMetricReader(reader).build();
    // The drop counter is registered by the logging module's start, on obs's start thread.
    assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
    logger.info("first");
    assertThat(sink.awaitWriter()).isTrue();
    for (int i = 0; i < 500; i++) {
      logger.info("flood {}", i);
    }
    MetricData dropped =
        reader.collectAllMetrics().stream()
            .filter(m -> m.getName().equals("obs.logs.dropped"))
            .findFirst()
            .orElseThrow();
    long info =
        dropped.getLongSumData().getPoints().stream()
            .filter(p -> "info".equals(p.getAttributes().get(AttributeKey.stringKey("level"))))
            .mapToLong(LongPointData::getValue)
            .sum();
    assertThat(info).isEqualTo(500 - 80);
    assertThat(dropped.getLongSumData().isMonotonic()).isTrue();
    sink.release();
  }

  @Test
  void obsYamlSwitchesFormatRenamesFieldsAndSetsLevels() {
    BlockingSink sink = BlockingSink.open();
    Logger logger = logger(sink);
    logger.setLevel(null);
    obs()
        .set("logs.fields", "message=msg")
        .set("logs.levels", loggerName + "=warn")
        .build();
    logger.info("hidden by level");
    logger.warn("renamed");
    List<JsonNode> lines = lines(sink);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("msg").asText()).isEqualTo("renamed");
    Observability.shutdown();

    obs().set("logs.format", "text").build();
    logger.warn("as text");
    assertThat(writer().drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.lines()).anyMatch(l -> l.contains(" WARN  [") && l.endsWith(" - as text"));
  }

  @Test
  void invalidLoggingValuesAreReportedTogether() {
    // No fail_fast: bad module values fail init() like bad core values, nothing starts.
    assertThatThrownBy(
            () ->
                obs()
                    .set("logs.levels", "com.x=loud")
                    .set("logs.fields", "nope=x")
                    .set("redaction.patterns", "[unclosed")
                    .set("server.port", "-1")
                    .build())
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("server.port")
        .hasMessageContaining("com.x")
        .hasMessageContaining("'nope' is not an obs log field")
        .hasMessageContaining("[unclosed");
  }

  @Test
  void javaUtilLoggingRecordsBecomeObsLines() {
    BlockingSink sink = BlockingSink.open();
    logger(sink);
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(loggerName);
    jul.info("from JUL with password=hunter2");
    jul.finest("below the level Logback propagated");
    List<JsonNode> lines = lines(sink);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("message").asText()).isEqualTo("from JUL with password=****");
    assertThat(lines.get(0).get("logger").asText()).isEqualTo(loggerName);
    assertThat(org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()).isTrue();
  }

  @Test
  void obsConfiguresTheRootLoggerWhenThereIsNoLogbackFile() {
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("OBS"))
        .isInstanceOf(ObsAppender.class);
  }
}
