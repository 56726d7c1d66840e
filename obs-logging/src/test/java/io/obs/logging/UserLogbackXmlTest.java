// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.internal.Json;
import io.obs.logging.testing.TestEvents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logback.xml snippet of docs/logs.md, configured by Logback's own Joran configurator. */
class UserLogbackXmlTest {

  static final String DOCS_SNIPPET =
      """
      <configuration>
        <turboFilter class="io.obs.logging.ObsTurboFilter"/>

        <appender name="OBS" class="io.obs.logging.ObsAppender">
          <format>json</format>
        </appender>

        <appender name="FILE" class="ch.qos.logback.core.FileAppender">
          <file>${LOG_DIR}/app.log</file>
          <encoder class="io.obs.logging.ObsEncoder"/>
        </appender>
        <appender name="ASYNC_FILE" class="ch.qos.logback.classic.AsyncAppender">
          <appender-ref ref="FILE"/>
        </appender>

        <root level="INFO">
          <appender-ref ref="OBS"/>
          <appender-ref ref="ASYNC_FILE"/>
        </root>
      </configuration>
      """;

  private final LoggerContext context = new LoggerContext();
  private final SdkTracerProvider tracing = SdkTracerProvider.builder().build();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    context.stop();
    tracing.close();
  }

  @Test
  @SuppressWarnings("try") // the scope is only held open
  void documentedSnippetWritesTraceIdsThroughLogbacksOwnAsyncAppender() throws Exception {
    context.setMDCAdapter(TestEvents.context().getMDCAdapter());
    context.putProperty("LOG_DIR", dir.toString());
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(new ByteArrayInputStream(DOCS_SNIPPET.getBytes(StandardCharsets.UTF_8)));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
    Logger logger = context.getLogger("user.xml");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("OBS"))
        .isInstanceOf(ObsAppender.class);

    Span span = tracing.get("test").spanBuilder("s").startSpan();
    SpanContext ids = span.getSpanContext();
    try (Scope ignored = span.makeCurrent()) {
      logger.info("inside with secret=abc");
    } finally {
      span.end();
    }
    logger.info("outside");
    context.stop(); // flushes the AsyncAppender and closes the file

    List<JsonNode> lines =
        Files.readAllLines(dir.resolve("app.log")).stream().map(UserLogbackXmlTest::parse).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("message").asText()).isEqualTo("inside with secret=****");
    assertThat(lines.get(0).get("trace_id").asText()).isEqualTo(ids.getTraceId());
    assertThat(lines.get(0).get("span_id").asText()).isEqualTo(ids.getSpanId());
    assertThat(lines.get(0).has(LogFields.TRACE_ID)).isTrue();
    assertThat(lines.get(1).has("trace_id")).isFalse();
  }

  private static JsonNode parse(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
