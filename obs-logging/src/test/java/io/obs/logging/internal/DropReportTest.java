// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.obs.logging.testing.GatedSink;
import io.obs.logging.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drop report: one line per {@code logs.drop_report_interval} while events are dropped,
 * naming the window it covers, a short flood reported within one interval, and what is left at
 * the end reported when the writer stops (on stderr when it can no longer write).
 */
class DropReportTest {

  private static final String REPORT = "obs-logging dropped ";
  private static final Pattern WINDOW = Pattern.compile("in the last ([0-9.]+)s because");

  private final GatedSink sink = new GatedSink();
  private final AtomicLong clock = new AtomicLong();
  private AsyncLogWriter writer;

  @AfterEach
  void stop() {
    sink.open();
    if (writer != null) {
      writer.stop(Duration.ofSeconds(5));
    }
  }

  private static ContextAwareBase status() {
    ContextAwareBase status = new ContextAwareBase();
    status.setContext(TestEvents.context());
    return status;
  }

  private static LogSettings settings(Duration interval) {
    return LogSettings.builder().setQueueSize(64).setDropReportInterval(interval).build();
  }

  /** A writer on the fake clock. */
  private AsyncLogWriter onFakeClock(Duration interval) {
    writer =
        new AsyncLogWriter(status(), settings(interval), () -> sink, clock::get, () -> System.err);
    writer.start();
    return writer;
  }

  /** Holds the worker at the gate, logs {@code count} INFO events, and lets it go again. */
  private long flood(AsyncLogWriter w, int count) throws Exception {
    long before = w.dropped("info");
    sink.shut();
    w.offer(event(Level.INFO, "held at the gate"));
    assertThat(sink.awaitWaitingWriter()).isTrue();
    for (int i = 0; i < count; i++) {
      w.offer(event(Level.INFO, "flood " + i));
    }
    sink.open();
    assertThat(w.drain(Duration.ofSeconds(10))).isTrue();
    long dropped = w.dropped("info") - before;
    assertThat(dropped).isPositive();
    return dropped;
  }

  private static void settle() throws InterruptedException {
    // Several turns of the worker's 100 ms poll: long enough for a report that is due.
    Thread.sleep(400);
  }

  @Test
  void aShortFloodIsReportedWithinOneIntervalNamingTheIntervalAppliedAfterStart()
      throws Exception {
    // As in an application: the appender starts with the defaults (30 s), obs.yaml applies 1 s.
    writer = new AsyncLogWriter(status(), settings(Duration.ofSeconds(30)), () -> sink);
    writer.start();
    writer.apply(writer.settings().toBuilder().setDropReportInterval(Duration.ofSeconds(1)).build());
    long start = System.nanoTime();
    long dropped = flood(writer, 200);

    assertThat(sink.awaitLines(REPORT, 1)).as("reported within 10 s, not after 30 s").isTrue();
    double seconds = (System.nanoTime() - start) / 1e9;
    String report = sink.linesWith(REPORT).get(0);
    assertThat(report).contains(REPORT + dropped + " log events", "(info=" + dropped + ")");
    Matcher m = WINDOW.matcher(report);
    assertThat(m.find()).as(report).isTrue();
    // The window named is the one the report covers: at least the interval, at most the wait.
    assertThat(Double.parseDouble(m.group(1))).isBetween(1.0, seconds + 0.1);
  }

  @Test
  void exactlyOneReportPerIntervalWhileThereAreDropsEachNamingItsWindow() throws Exception {
    AsyncLogWriter w = onFakeClock(Duration.ofSeconds(5));
    long first = flood(w, 100);
    clock.set(TimeUnit.SECONDS.toNanos(4));
    settle();
    assertThat(sink.linesWith(REPORT)).isEmpty();

    clock.set(TimeUnit.SECONDS.toNanos(5));
    assertThat(sink.awaitLines(REPORT, 1)).isTrue();
    assertThat(sink.linesWith(REPORT).get(0))
        .contains(
            "\"obs-logging dropped " + first + " log events in the last 5s because the output"
                + " could not keep up (info=" + first + "); raise logs.queue_size or log less\"");

    // A quiet interval: no report, and the next window starts when it ends.
    clock.set(TimeUnit.SECONDS.toNanos(10));
    settle();
    assertThat(sink.linesWith(REPORT)).hasSize(1);

    long second = flood(w, 100);
    clock.set(TimeUnit.SECONDS.toNanos(14));
    settle();
    assertThat(sink.linesWith(REPORT)).hasSize(1);
    clock.set(TimeUnit.SECONDS.toNanos(15));
    assertThat(sink.awaitLines(REPORT, 2)).isTrue();
    assertThat(sink.linesWith(REPORT).get(1))
        .contains(REPORT + second + " log events in the last 5s because");
    settle();
    assertThat(sink.linesWith(REPORT)).hasSize(2);
  }

  @Test
  void dropsSinceTheLastReportAreTheWritersLastLineWhenItStops() throws Exception {
    writer = new AsyncLogWriter(status(), settings(Duration.ofHours(1)), () -> sink);
    writer.start();
    long dropped = flood(writer, 100);
    writer.stop(Duration.ofSeconds(10));
    List<String> lines = sink.lines();
    assertThat(lines.get(lines.size() - 1)).contains(REPORT + dropped + " log events");
  }

  @Test
  void dropsAreReportedAtTheEndOfTheProcessThroughTheOutput() throws Exception {
    AsyncLogWriter w = onFakeClock(Duration.ofHours(1));
    long dropped = flood(w, 100);
    clock.set(TimeUnit.SECONDS.toNanos(3));
    assertThat(w.flushAndReport(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.linesWith(REPORT))
        .singleElement()
        .asString()
        .contains(REPORT + dropped + " log events in the last 3s");
  }

  @Test
  void dropsTheWriterCannotWriteAnyMoreAreReportedOnStderr() throws Exception {
    writer = new AsyncLogWriter(status(), settings(Duration.ofHours(1)), () -> sink);
    writer.start();
    sink.shut();
    writer.offer(event(Level.INFO, "held at the gate"));
    assertThat(sink.awaitWaitingWriter()).isTrue();
    for (int i = 0; i < 100; i++) {
      writer.offer(event(Level.INFO, "flood " + i));
    }
    long dropped = writer.dropped("info");
    assertThat(dropped).isPositive();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // The output stays stuck: the writer cannot end in time, so it cannot report either.
      writer.stop(Duration.ofMillis(300));
    } finally {
      System.setErr(original);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(REPORT + dropped + " log events in the last ");
  }

  @Test
  void windowLengthsAreNamedInSecondsWithATenthBelowTen() {
    assertThat(AsyncLogWriter.seconds(TimeUnit.SECONDS.toNanos(30))).isEqualTo("30");
    assertThat(AsyncLogWriter.seconds(TimeUnit.MILLISECONDS.toNanos(30_400))).isEqualTo("30");
    assertThat(AsyncLogWriter.seconds(TimeUnit.SECONDS.toNanos(5))).isEqualTo("5");
    assertThat(AsyncLogWriter.seconds(TimeUnit.MILLISECONDS.toNanos(5_240))).isEqualTo("5.2");
    assertThat(AsyncLogWriter.seconds(TimeUnit.MILLISECONDS.toNanos(500))).isEqualTo("0.5");
    assertThat(AsyncLogWriter.seconds(TimeUnit.MILLISECONDS.toNanos(10))).isEqualTo("0.1");
  }
}
