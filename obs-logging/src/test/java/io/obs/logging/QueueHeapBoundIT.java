// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.obs.logging.internal.AsyncLogWriter;
import io.obs.logging.internal.ObsLogbackConfigurator;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real JVM with a 256 MB heap logs 100 KB messages as fast as two threads can, for a bounded
 * time, into a stdout that the test reads slowly (about 3 MB/s). Before the byte budget the queue
 * held up to 8192 such events (800 MB): the writer thread died of OutOfMemoryError and logging
 * stopped for good. Now the process lives, the heap stays near the budget, drops are counted and
 * reported, and logging resumes once the output catches up.
 */
class QueueHeapBoundIT {

  private static final long FLOOD_MILLIS = 8_000;
  private static final int MESSAGE_CHARS = 100_000;

  /** The child: floods, measures its heap after a GC at the height of the flood, resumes. */
  public static void main(String[] args) throws Exception {
    io.obs.Observability obs = io.obs.Observability.builder()
        .setConfigYaml("service:\n  name: heap-bound\nlogs:\n  drop_report_interval: 2s\n")
        .set("server.enabled", "false")
        .set("metrics.exporter", "none")
        .build();
    // obs's own start-up line is logged at INFO from its start-up thread: logged during the
    // flood it could be dropped too, and the drops would no longer add up to the flood's.
    if (!obs.awaitStarted(Duration.ofSeconds(30))) {
      throw new IllegalStateException("obs did not start");
    }
    Logger log = LoggerFactory.getLogger("flood");
    long beforeFlood = heapAfterFullGc();
    String body = "x".repeat(MESSAGE_CHARS);
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong logged = new AtomicLong();
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread producer =
          new Thread(
              () -> {
                long n = 0;
                while (flooding.get()) {
                  // A new 100 KB string per call, as a real message would be.
                  log.info(n++ + " " + body);
                  logged.incrementAndGet();
                }
              },
              "producer-" + t);
      producer.start();
      producers.add(producer);
    }
    long maxAfterGc = 0;
    long start = System.nanoTime();
    for (long at : new long[] {3_000, 5_000, 7_000}) {
      Thread.sleep(Math.max(0, at - (System.nanoTime() - start) / 1_000_000));
      maxAfterGc = Math.max(maxAfterGc, heapAfterFullGc());
    }
    Thread.sleep(Math.max(0, FLOOD_MILLIS - (System.nanoTime() - start) / 1_000_000));
    flooding.set(false);
    for (Thread producer : producers) {
      producer.join(10_000);
    }
    log.info("logging resumed after the flood");
    AsyncLogWriter writer = writer();
    boolean drained = writer.drain(Duration.ofSeconds(60));
    long dropped = 0;
    for (String level : AsyncLogWriter.LEVEL_NAMES) {
      dropped += writer.dropped(level);
    }
    System.err.println("HEAP_BEFORE_FLOOD " + beforeFlood);
    System.err.println("HEAP_AFTER_GC " + maxAfterGc);
    System.err.println("BUDGET " + writer.settings().queueBytes());
    System.err.println("LOGGED " + logged.get());
    System.err.println("DROPPED " + dropped);
    System.err.println("DRAINED " + drained);
    System.err.flush();
    // The shutdown hooks write out the queue and report the drops not reported yet.
    System.exit(0);
  }

  /**
   * The heap in use right after a full collection, as the collector itself recorded it. Reading
   * the current use after {@code System.gc()} instead counts whatever the producers allocated in
   * between: at gigabytes per second that was tens of megabytes, and the reading varied from 24
   * to 90 MB between runs.
   */
  private static long heapAfterFullGc() {
    System.gc();
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && afterGc != null) {
        used += afterGc.getUsed();
      }
    }
    return used;
  }

  private static AsyncLogWriter writer() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ObsAppender appender =
        (ObsAppender)
            context
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender(ObsLogbackConfigurator.APPENDER_NAME);
    return appender.internalWriter();
  }

  /** Hands out at most 16 KB per read and pauses 5 ms after each: a slow consumer. */
  private static final class SlowInput extends FilterInputStream {
    SlowInput(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, Math.min(len, 16 * 1024));
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      return n;
    }
  }

  @Test
  void largeMessagesOnASlowStdoutKeepTheHeapBoundedAndLoggingAlive(@TempDir Path dir)
      throws Exception {
    Path stderr = dir.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            QueueHeapBoundIT.class.getName());
    builder.redirectError(stderr.toFile());
    Process child = builder.start();
    long floodLines = 0;
    List<String> otherLines = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(new SlowInput(child.getInputStream()), StandardCharsets.UTF_8),
            64 * 1024)) {
      String line;
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        if (line.contains("\"logger\":\"flood\"") && line.length() > 10_000) {
          floodLines++;
        } else {
          otherLines.add(line);
        }
      }
    } finally {
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    String err = Files.readString(stderr);
    assertThat(child.exitValue()).as(err).isZero();
    assertThat(err).doesNotContain("OutOfMemoryError");

    long before = number(err, "HEAP_BEFORE_FLOOD");
    long heap = number(err, "HEAP_AFTER_GC");
    long budget = number(err, "BUDGET");
    long logged = number(err, "LOGGED");
    long dropped = number(err, "DROPPED");
    System.out.printf(
        "heap after GC: %.1f MiB before the flood, %.1f MiB at its height (budget %.1f MiB);"
            + " logged %d, written %d, dropped %d%n",
        before / 1048576.0, heap / 1048576.0, budget / 1048576.0, logged, floodLines, dropped);
    assertThat(budget).isEqualTo(16L << 20); // 1/16 of 256 MB
    // The queue holds at most the budget; the rest of the growth is the producers' strings and
    // the writer's buffers, a few hundred kilobytes.
    assertThat(heap - before).isLessThan(budget + (16L << 20));
    assertThat(err).contains("DRAINED true");
    assertThat(dropped).isPositive();
    assertThat(floodLines + dropped).isEqualTo(logged);

    assertThat(otherLines).anyMatch(l -> l.contains("logging resumed after the flood"));
    long reported = 0;
    Pattern report = Pattern.compile("obs-logging dropped (\\d+) log events in the last ");
    for (String line : otherLines) {
      Matcher m = report.matcher(line);
      if (m.find()) {
        reported += Long.parseLong(m.group(1));
        assertThat(line).contains("raise logs.queue_bytes or log less");
      }
    }
    assertThat(reported).as("every drop is reported, the last ones at exit").isEqualTo(dropped);
  }

  private static long number(String text, String name) {
    Matcher m = Pattern.compile(name + " (\\d+)").matcher(text);
    assertThat(m.find()).as("%s in %s", name, text).isTrue();
    return Long.parseLong(m.group(1));
  }
}
