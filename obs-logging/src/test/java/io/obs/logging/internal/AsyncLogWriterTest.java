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
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.logstash.logback.argument.StructuredArguments;
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

  @Test
  void largeEventsAreBoundedByTheBytesTheyHoldNotOnlyByTheirCount() throws Exception {
    BlockingSink sink = BlockingSink.blocked();
    ContextAwareBase status = new ContextAwareBase();
    status.setContext(TestEvents.context());
    LogSettings settings =
        LogSettings.builder()
            .setQueueSize(1000)
            .setQueueBytes(1 << 20)
            .setDropReportInterval(Duration.ofMillis(50))
            .build();
    writer = new AsyncLogWriter(status, settings, () -> sink);
    writer.start();
    writer.offer(event(Level.INFO, "first"));
    assertThat(sink.awaitWriter()).isTrue();

    String large = "x".repeat(100_000); // about 200 KB as the estimate counts it
    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      // No argument array, as log.info(message) logs it: the message is held once.
      if (writer.offer(event(Level.INFO, large + i, (Object[]) null))) {
        accepted++;
      }
    }
    // 1 MiB less the fifth kept for WARN/ERROR holds four of them, not a hundred.
    assertThat(accepted).isEqualTo(4);
    assertThat(writer.dropped("info")).isEqualTo(96);
    assertThat(writer.offer(event(Level.ERROR, large, (Object[]) null)))
        .as("the reserve takes an ERROR")
        .isTrue();
    assertThat(writer.offer(event(Level.ERROR, large, (Object[]) null)))
        .as("then the budget is spent")
        .isFalse();

    sink.release();
    assertThat(writer.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.awaitLine("obs-logging dropped 97 log events")).isTrue();
    assertThat(sink.lines())
        .filteredOn(l -> l.contains("obs-logging dropped"))
        .first()
        .asString()
        .contains("(info=96, error=1); raise logs.queue_bytes or log less");
    // Written out, the budget is free again.
    assertThat(writer.offer(event(Level.INFO, large, (Object[]) null))).isTrue();
  }

  @Test
  void anEventLargerThanTheWholeBudgetIsTakenOnlyIntoAnEmptyQueue() throws Exception {
    BlockingSink sink = BlockingSink.blocked();
    ContextAwareBase status = new ContextAwareBase();
    status.setContext(TestEvents.context());
    writer =
        new AsyncLogWriter(
            status, LogSettings.builder().setQueueBytes(64 * 1024).build(), () -> sink);
    writer.start();
    String huge = "y".repeat(100_000);
    assertThat(writer.offer(event(Level.WARN, huge, (Object[]) null))).isTrue();
    assertThat(sink.awaitWriter()).isTrue();
    // Held while it is written: nothing else fits beside it.
    assertThat(writer.offer(event(Level.WARN, "small"))).isFalse();
    sink.release();
    assertThat(writer.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.lines()).anyMatch(l -> l.contains("yyyy"));
    assertThat(writer.offer(event(Level.WARN, "small"))).isTrue();
  }

  /** A bean whose getter fails as a JVM out of memory would, but only on obs's writer thread. */
  public static final class FailsOnTheWriter {
    public String getValue() {
      if (Thread.currentThread().getName().equals("obs-logging")) {
        throw new OutOfMemoryError("simulated: no memory to build this line");
      }
      return "fine";
    }

    @Override
    public String toString() {
      return "failing";
    }
  }

  @Test
  void anErrorWhileBuildingOneLineLosesOnlyThatEventAndCountsIt() throws Exception {
    BlockingSink sink = BlockingSink.open();
    AsyncLogWriter w = start(sink, 1000);
    w.offer(event(Level.INFO, "before"));
    w.offer(event(Level.INFO, "doomed {}", StructuredArguments.kv("bean", new FailsOnTheWriter())));
    w.offer(event(Level.INFO, "after"));
    assertThat(w.drain(Duration.ofSeconds(10))).isTrue();
    List<String> messages =
        sink.lines().stream().map(l -> parse(l).get("message").asText()).toList();
    assertThat(messages).contains("before", "after");
    assertThat(messages).noneMatch(m -> m.startsWith("doomed"));
    assertThat(w.dropped("info")).isEqualTo(1);
  }

  @Test
  void aWorkerThatDiesIsReplacedByTheNextEventAndNothingQueuedIsLost() throws Exception {
    BlockingSink sink = BlockingSink.open();
    AtomicInteger starts = new AtomicInteger();
    Supplier<OutputStream> failingOnce =
        () -> {
          if (starts.getAndIncrement() == 0) {
            // Thrown outside any event: nothing in the worker can catch it.
            throw new OutOfMemoryError("simulated: no memory for the first worker");
          }
          return sink;
        };
    ContextAwareBase status = new ContextAwareBase();
    status.setContext(TestEvents.context());
    writer = new AsyncLogWriter(status, LogSettings.builder().build(), failingOnce);
    writer.start();
    int offered = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (starts.get() < 2 && System.nanoTime() < deadline) {
      assertThat(writer.offer(event(Level.INFO, "line " + offered))).isTrue();
      offered++;
      Thread.sleep(20);
    }
    assertThat(starts.get()).as("a new worker started").isEqualTo(2);
    assertThat(writer.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.lines()).hasSize(offered);
  }

  private static JsonNode parse(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
