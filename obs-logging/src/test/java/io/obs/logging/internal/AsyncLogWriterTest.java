// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.testing.BlockingSink;
import io.obs.logging.testing.TestEvents;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncLogWriterTest {

  private AsyncLogWriter writer;

  private AsyncLogWriter start(BlockingSink sink, int queueSize) {
    ContextAwareBase status = new ContextAwareBase();
    status.setContext(TestEvents.context());
    LogSettings settings =
        LogSettings.builder()
            .setQueueSize(queueSize)
            .setDropReportInterval(Duration.ofMillis(50))
            .build();
    writer = new AsyncLogWriter(status, settings, () -> sink);
    writer.start();
    return writer;
  }

  @AfterEach
  void stop() {
    if (writer != null) {
      writer.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void floodWithBlockedOutputNeverBlocksCallerKeepsWarnAndErrorAndCountsDrops()
      throws Exception {
    BlockingSink sink = BlockingSink.blocked();
    AsyncLogWriter w = start(sink, 100);
    w.offer(event(Level.INFO, "first"));
    assertThat(sink.awaitWriter()).isTrue(); // the worker is now stuck writing "first"

    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (int i = 0; i < 5_000; i++) {
            w.offer(event(Level.INFO, "info " + i));
            w.offer(event(Level.DEBUG, "debug " + i));
          }
          for (int i = 0; i < 10; i++) {
            w.offer(event(Level.WARN, "warn " + i));
            w.offer(event(Level.INFO, "late info " + i));
            w.offer(event(Level.ERROR, "error " + i));
          }
          // The queue is now full: even an ERROR cannot be kept, and the caller still returns.
          assertThat(w.offer(event(Level.ERROR, "one too many"))).isFalse();
        });
    assertThat(sink.isReleased()).isFalse();

    sink.release();
    assertThat(w.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.awaitLine("obs-logging dropped")).isTrue();

    List<JsonNode> lines = sink.lines().stream().map(AsyncLogWriterTest::parse).toList();
    List<String> messages = lines.stream().map(l -> l.get("message").asText()).toList();
    for (int i = 0; i < 10; i++) {
      assertThat(messages).contains("warn " + i, "error " + i);
    }
    assertThat(messages).doesNotContain("late info 0", "one too many");
    // 80 of 100 slots take any level; the last 20 are WARN/ERROR only
    assertThat(messages.stream().filter(m -> m.startsWith("info ") || m.startsWith("debug ")))
        .hasSize(80);
    assertThat(w.dropped("warn")).isZero();
    assertThat(w.dropped("error")).isEqualTo(1);
    assertThat(w.dropped("info") + w.dropped("debug")).isEqualTo(10_000 + 10 - 80);

    JsonNode report =
        lines.stream()
            .filter(l -> l.get("message").asText().startsWith("obs-logging dropped"))
            .findFirst()
            .orElseThrow();
    assertThat(report.get("level").asText()).isEqualTo("WARN");
    assertThat(report.get("logger").asText()).isEqualTo("io.obs.logging");
    assertThat(report.get("message").asText()).contains("dropped 9931 log events", "error=1");
  }

  @Test
  void eventsAreWrittenInOrderWithTheMessageFormattedOnTheCallingThread() throws Exception {
    BlockingSink sink = BlockingSink.open();
    AsyncLogWriter w = start(sink, 1000);
    StringBuilder mutable = new StringBuilder("before");
    w.offer(event(Level.INFO, "value {}", mutable));
    mutable.replace(0, mutable.length(), "after");
    for (int i = 0; i < 100; i++) {
      w.offer(event(Level.INFO, "n " + i));
    }
    assertThat(w.drain(Duration.ofSeconds(10))).isTrue();
    List<String> messages =
        sink.lines().stream().map(l -> parse(l).get("message").asText()).toList();
    assertThat(messages.get(0)).isEqualTo("value before");
    for (int i = 0; i < 100; i++) {
      assertThat(messages.get(i + 1)).isEqualTo("n " + i);
    }
  }

  @Test
  void applySwitchesFormatAndQueueWithoutLosingEvents() throws Exception {
    BlockingSink sink = BlockingSink.open();
    AsyncLogWriter w = start(sink, 1000);
    w.offer(event(Level.INFO, "json line"));
    w.apply(w.settings().toBuilder().setJson(false).setQueueSize(200).build());
    w.offer(event(Level.INFO, "text line"));
    assertThat(w.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.lines()).anyMatch(l -> l.contains(" - text line"));
    assertThat(sink.lines()).anyMatch(l -> l.contains("json line"));
  }

  private static JsonNode parse(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
