// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The engine behind {@link io.obs.logging.ObsAppender}: a
 * bounded queue filled by application threads and emptied by one daemon worker that prepares
 * (redacts), formats and writes each event and hands it to the OpenTelemetry bridge.
 *
 * <p>The application thread never waits: {@link #offer} only tries to enqueue. The queue is
 * bounded twice: by events ({@code logs.queue_size}) and by the bytes they hold ({@code
 * logs.queue_bytes}, as {@link EventSize} estimates them), so that large messages on a slow output
 * cannot fill the heap. The last fifth of either bound is reserved for WARN and ERROR, so when the
 * output cannot keep up, TRACE, DEBUG and INFO are dropped first and WARN/ERROR only once the
 * queue is entirely full. An event larger than the whole byte budget is taken only into an empty
 * queue, so that it is not lost for ever and the queue holds it alone. Drops are counted per level
 * ({@link #dropped}).
 *
 * <p>Drops are reported by one WARN line per {@code logs.drop_report_interval} while there are
 * any: the worker keeps a report window, and once the window is an interval long it writes a line
 * with the drops of that window and the window's true length (longer than the interval only when
 * the output held the worker up), or, when nothing was dropped, starts the next window. A short
 * flood is so reported at most one interval after it. What is left unreported at the end is
 * reported by {@link #stop} and {@link #flushAndReport} — through the output while the worker can
 * still write, else on stderr.
 *
 * <p>No single event can end logging for the process: whatever one event throws while it is
 * prepared, formatted or written — an {@link OutOfMemoryError} building a huge line, a {@link
 * StackOverflowError} in an argument's getter — is caught, the event is counted as lost at its
 * level, and the worker goes on. Should the worker die all the same (an error while it handles an
 * error), the next event logged, or the next {@link #drain}, starts a new one (at most one a
 * second); events queued meanwhile wait for it.
 */
public final class AsyncLogWriter {

  /** Level slots of the drop counters, in {@link #LEVEL_NAMES} order. */
  public static final List<String> LEVEL_NAMES = List.of("trace", "debug", "info", "warn", "error");

  private static final int WARN_SLOT = 3;
  private static final int BATCH = 256;
  private static final String SELF_LOGGER = "io.obs.logging";
  private static final long RETIRE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RESTART_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** An event, the context it was logged in and its share of the byte budget. */
  private record Captured(ILoggingEvent event, Context context, long bytes) {}

  /**
   * Put in the queue by {@link #stop} to end the worker's wait; never written or counted. Its
   * context is {@link ContextCapture#root()}: {@code Context.root()} would close OpenTelemetry's
   * list of storage wrappers when this class loads, before obs's modules add theirs.
   */
  private static final Captured WAKE = new Captured(new LoggingEvent(), ContextCapture.root(), 0);

  /** A queue replaced by {@link #apply}, emptied until no producer can still hold it. */
  private record Retired(ArrayBlockingQueue<Captured> queue, long sinceNanos) {}

  /** Settings and the format built from them, switched together. */
  private record Output(LogSettings settings, EventFormat format) {}

  private final ContextAwareBase status;
  private final Supplier<OutputStream> sink;
  private final OtelLogBridge bridge;
  private final LongAdder[] drops = new LongAdder[LEVEL_NAMES.size()];
  /** Events accepted but lost to an error while they were prepared, formatted or written. */
  private final LongAdder[] failed = new LongAdder[LEVEL_NAMES.size()];
  private final long[] reportedDrops = new long[LEVEL_NAMES.size()];
  private final long[] reportedFailed = new long[LEVEL_NAMES.size()];
  /** Guards the report window and the reported counts: the worker and stop() both report. */
  private final Object reportLock = new Object();
  private final AtomicLong reportsRequested = new AtomicLong();
  private final AtomicLong reportsDone = new AtomicLong();
  private final LongSupplier clock;
  private final Supplier<PrintStream> stderr;
  private final LongAdder accepted = new LongAdder();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private volatile Output output;
  private volatile ArrayBlockingQueue<Captured> queue;
  private final List<Retired> retired = new CopyOnWriteArrayList<>();
  private volatile int reserve;
  /** Bytes held by the events queued or being written; never above the budget but for one. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final EventSize sizes = new EventSize();
  /** Bytes of the worker's current batch written so far, given back once per batch; worker only. */
  private long batchBytes;
  private final LongAdder byteDrops = new LongAdder();
  private long reportedByteDrops;
  private volatile boolean stopping;
  private volatile @Nullable Thread worker;
  /** Set by a worker that ended without {@link #stop}; the next event restarts one. */
  private volatile boolean died;
  private long lastStartNanos = System.nanoTime() - RESTART_NANOS;
  private volatile long windowStartNanos;
  /** How many events of the worker's current batch have been through write(); worker only. */
  private int batchWritten;

  /**
   * @param status where the writer reports its own problems (Logback's status manager)
   * @param sink the output, looked up when the worker starts (so {@code System.setOut} is seen)
   */
  public AsyncLogWriter(
      ContextAwareBase status, LogSettings settings, Supplier<OutputStream> sink) {
    this(status, settings, sink, System::nanoTime, () -> System.err);
  }

  /**
   * @param clock the time of the drop report windows, in nanoseconds
   * @param stderr where drops are reported once the worker can no longer write them
   */
  AsyncLogWriter(
      ContextAwareBase status,
      LogSettings settings,
      Supplier<OutputStream> sink,
      LongSupplier clock,
      Supplier<PrintStream> stderr) {
    this.status = status;
    this.sink = sink;
    this.clock = clock;
    this.stderr = stderr;
    this.output = new Output(settings, formatFor(settings));
    this.queue = new ArrayBlockingQueue<>(settings.queueSize());
    this.reserve = settings.queueSize() / 5;
    this.bridge = new OtelLogBridge(settings.preinitBufferSize(), settings.queueBytes());
    for (int i = 0; i < drops.length; i++) {
      drops[i] = new LongAdder();
      failed[i] = new LongAdder();
    }
  }

  private EventFormat formatFor(LogSettings s) {
    return s.json() ? new JsonFormat(status.getContext(), s) : new TextFormat();
  }

  /** Starts the worker thread. */
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    queue.remove(WAKE); // left by a stop() whose worker ended before taking it
    stopping = false;
    synchronized (reportLock) {
      windowStartNanos = clock.getAsLong();
    }
    startWorker();
  }

  private void startWorker() {
    Thread thread = new Thread(this::run, "obs-logging");
    thread.setDaemon(true);
    lastStartNanos = System.nanoTime();
    worker = thread;
    thread.start();
  }

  /** Starts a new worker if the last one died, at most once a second. */
  private synchronized void restartIfDied() {
    if (!died || stopping || worker == null || System.nanoTime() - lastStartNanos < RESTART_NANOS) {
      return;
    }
    try {
      startWorker();
      died = false;
    } catch (Throwable e) {
      // No memory or no thread for a new worker now: the next event tries again.
    }
  }

  /**
   * Enqueues an event without ever blocking. Called on the application thread: captures the
   * current OpenTelemetry context and lets the event copy what it needs (message, MDC, thread
   * name) before the hop to the worker.
   *
   * @return whether the event was accepted
   */
  public boolean offer(ILoggingEvent event) {
    if (died) {
      restartIfDied();
    }
    int slot = slot(event.getLevel());
    ArrayBlockingQueue<Captured> q = queue;
    if (slot < WARN_SLOT && q.remainingCapacity() <= reserve) {
      drops[slot].increment();
      return false;
    }
    event.prepareForDeferredProcessing();
    long bytes = sizes.of(event);
    long budget = settings().queueBytes();
    long limit = slot < WARN_SLOT ? budget - budget / 5 : budget;
    // Reserved first and given back on failure, so that racing producers never overshoot.
    long held = queuedBytes.addAndGet(bytes);
    if (held > limit && held != bytes) {
      queuedBytes.addAndGet(-bytes);
      drops[slot].increment();
      byteDrops.increment();
      return false;
    }
    if (q.offer(new Captured(event, ContextCapture.current(), bytes))) {
      accepted.increment();
      return true;
    }
    queuedBytes.addAndGet(-bytes);
    drops[slot].increment();
    return false;
  }

  /** Switches to new settings; events already queued are written with the new ones. */
  public synchronized void apply(LogSettings next) {
    // The previous format is not stopped: the worker may be using it right now, and it holds
    // nothing that the garbage collector cannot take back.
    LogSettings previous = output.settings();
    output = new Output(next, formatFor(next));
    if (next.queueSize() != previous.queueSize()) {
      retired.add(new Retired(queue, System.nanoTime()));
      reserve = next.queueSize() / 5;
      queue = new ArrayBlockingQueue<>(next.queueSize());
    }
    bridge.setCapacity(next.preinitBufferSize(), next.queueBytes());
  }

  public LogSettings settings() {
    return output.settings();
  }

  public OtelLogBridge bridge() {
    return bridge;
  }

  /**
   * Events lost at this level since start ({@code level} as in {@link #LEVEL_NAMES}): dropped
   * because the queue was full, or lost to an error while being written.
   */
  public long dropped(String level) {
    int slot = LEVEL_NAMES.indexOf(level);
    return drops[slot].sum() + failed[slot].sum();
  }

  /**
   * Waits until every event accepted before this call has been written and handed to the
   * bridge, or the timeout passes.
   *
   * @return whether everything was written in time
   */
  public boolean drain(Duration timeout) {
    if (died) {
      restartIfDied();
    }
    long target = accepted.sum();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handled.get() < target) {
      if (System.nanoTime() - deadline > 0 || worker == null) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Writes what is queued (within the timeout) and stops the worker, which reports the drops not
   * reported yet as its last line. Drops it could not report (it did not end in time, or had
   * died) are reported on stderr.
   */
  public synchronized void stop(Duration timeout) {
    Thread thread = worker;
    if (thread == null) {
      return;
    }
    drain(timeout);
    stopping = true;
    // Wakes the worker from its wait for the next event, so that stopping does not take up to
    // 100 ms: Spring Boot resets Logback, and so stops this writer, on its start-up path. A queue
    // entry rather than an interrupt, which would break a write to an interruptible output.
    queue.offer(WAKE);
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker = null;
    output.format().stop();
    reportToStderr();
  }

  /**
   * Writes what is queued and reports the drops not reported yet, within the timeout; for the end
   * of the process (a shutdown hook, {@code Observability.shutdown()}), when the worker will not
   * get to its next report. The worker writes the report; when it cannot (it is held up past the
   * timeout, or stopped), the report goes to stderr.
   *
   * @return whether everything was written and reported in time
   */
  public boolean flushAndReport(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean drained = drain(timeout);
    long ticket = reportsRequested.incrementAndGet();
    while (reportsDone.get() < ticket) {
      if (System.nanoTime() - deadline > 0 || worker == null || died) {
        reportToStderr();
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reportToStderr();
        return false;
      }
    }
    return drained;
  }

  /** Writes a line of obs's own (a report) through the normal path, from any thread. */
  public void writeSelf(Level level, String message) {
    // obs's own rare lines are not counted against the byte budget: they are small, and a
    // report must not be dropped for the very reason it reports.
    if (queue.offer(new Captured(selfEvent(level, message), ContextCapture.root(), 0))) {
      accepted.increment();
    }
  }

  private static LoggingEvent selfEvent(Level level, String message) {
    LoggingEvent event = new LoggingEvent();
    event.setLevel(level);
    event.setLoggerName(SELF_LOGGER);
    event.setMessage(message);
    event.setThreadName(Thread.currentThread().getName());
    event.setInstant(Instant.now());
    event.setMDCPropertyMap(Map.of());
    return event;
  }

  private void run() {
    try {
      List<Captured> batch = new ArrayList<>(BATCH);
      OutputStream out = sink.get();
      while (true) {
        try {
          if (!step(out, batch)) {
            // The last line: what was dropped since the last report.
            report(out, true);
            return;
          }
        } catch (Throwable e) {
          // Each event's own failures are caught in write(); this is what is left (an error in
          // the drop report, the queue, the status manager): the batch is lost, not the worker.
          for (int i = batchWritten; i < batch.size(); i++) {
            Captured captured = batch.get(i);
            failed[slot(captured.event().getLevel())].increment();
            batchBytes += captured.bytes();
          }
          queuedBytes.addAndGet(-batchBytes);
          batchBytes = 0;
          handled.addAndGet(batch.size());
          batch.clear();
          batchWritten = 0;
          failure("obs-logging's writer failed; it goes on", e);
          // Should the failure repeat at once, the worker must not spin a core on it.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
      }
    } finally {
      if (worker == Thread.currentThread() && !stopping) {
        died = true;
      }
    }
  }

  /** Writes one batch; returns false when the worker is to end. */
  private boolean step(OutputStream out, List<Captured> batch) {
    // A producer may still hold a queue replaced by apply(): keep emptying it for a while.
    for (Retired old : retired) {
      old.queue().drainTo(batch, BATCH);
      if (old.queue().isEmpty() && System.nanoTime() - old.sinceNanos() > RETIRE_NANOS) {
        retired.remove(old);
      }
    }
    ArrayBlockingQueue<Captured> q = queue;
    if (batch.isEmpty()) {
      try {
        Captured first = q.poll(100, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
        }
      } catch (InterruptedException e) {
        // Only stop() ends the worker; an interrupt from elsewhere must not lose events.
      }
    }
    q.drainTo(batch, BATCH - batch.size());
    if (stopping) {
      // stop() offers WAKE after setting stopping, so a batch holding it sees the flag.
      batch.removeIf(c -> c == WAKE);
    }
    if (!batch.isEmpty()) {
      for (batchWritten = 0; batchWritten < batch.size(); ) {
        Captured captured = batch.get(batchWritten);
        // Let go of each event once written: its bytes are no longer counted, so it must not be
        // held either, or a batch of large events would hold far more than the budget.
        batch.set(batchWritten++, null);
        batchBytes += captured.bytes();
        write(out, captured);
        // Checked per event: a batch written to a slow output can take longer than the interval.
        if (clock.getAsLong() - windowStartNanos >= settings().dropReportInterval().toNanos()) {
          flush(out);
          report(out, false);
        }
      }
      flush(out);
      // Given back once per batch rather than per event: the counter is shared with every
      // logging thread, and each write to it from here costs them a cache miss.
      queuedBytes.addAndGet(-batchBytes);
      batchBytes = 0;
      // Counted after the flush: drain() promises the events are out, not just formatted.
      handled.addAndGet(batch.size());
      batch.clear();
      batchWritten = 0;
    }
    long requested = reportsRequested.get();
    if (requested > reportsDone.get()) {
      report(out, true);
      reportsDone.set(requested);
    } else {
      report(out, false);
    }
    return !(stopping
        && queue.isEmpty()
        && retired.stream().allMatch(r -> r.queue().isEmpty()));
  }

  private void write(OutputStream out, Captured captured) {
    try {
      Output o = output;
      PreparedEvent event =
          PreparedEvent.prepare(captured.event(), captured.context(), o.settings());
      if (o.settings().stdout()) {
        o.format().writeTo(event, out);
      }
      bridge.emit(event, captured.bytes());
    } catch (Throwable e) {
      // Any Throwable, errors included: an OutOfMemoryError while one huge line is built, or a
      // StackOverflowError in a getter of an argument, loses that event, not the writer.
      failed[slot(captured.event().getLevel())].increment();
      failure(
          "obs-logging could not write a log event; further failures are counted silently", e);
    }
  }

  private void flush(OutputStream out) {
    try {
      out.flush();
    } catch (Throwable e) {
      failure("obs-logging could not flush its output", e);
    }
  }

  /** Reports the first failure to Logback's status (stderr); later ones are only counted. */
  private void failure(String message, Throwable e) {
    if (failures.getAndIncrement() == 0) {
      try {
        status.addError(message, e);
      } catch (Throwable ignored) {
        // Out of memory again, most likely: the failure is counted, which is what matters.
      }
    }
  }

  /**
   * Ends the report window when it is an interval long (or {@code force}): writes what was dropped
   * or lost in it, if anything, and starts the next window.
   */
  private void report(OutputStream out, boolean force) {
    List<String> lines;
    synchronized (reportLock) {
      long now = clock.getAsLong();
      long window = now - windowStartNanos;
      if (!force && window < settings().dropReportInterval().toNanos()) {
        return;
      }
      lines = takeReport(window);
      windowStartNanos = now;
    }
    for (String line : lines) {
      // Written directly, not queued: the queue is what overflowed.
      write(out, new Captured(selfEvent(Level.WARN, line), ContextCapture.root(), 0));
    }
    if (!lines.isEmpty()) {
      flush(out);
    }
  }

  /** Reports on stderr what the worker did not get to report. */
  private void reportToStderr() {
    List<String> lines;
    synchronized (reportLock) {
      long now = clock.getAsLong();
      lines = takeReport(now - windowStartNanos);
      windowStartNanos = now;
    }
    PrintStream err = stderr.get();
    for (String line : lines) {
      err.println(line);
    }
    err.flush();
  }

  /** The report lines for drops and failures since the last report; marks them reported. */
  private List<String> takeReport(long windowNanos) {
    List<String> lines = new ArrayList<>(2);
    String window = seconds(windowNanos);
    StringBuilder detail = new StringBuilder();
    long total = delta(drops, reportedDrops, detail);
    long byteDropsNow = byteDrops.sum();
    boolean overBytes = byteDropsNow > reportedByteDrops;
    reportedByteDrops = byteDropsNow;
    if (total > 0) {
      lines.add("obs-logging dropped " + total + " log events in the last " + window
          + "s because the output could not keep" + " up (" + detail
          + (overBytes
              ? "); raise logs.queue_bytes or log less"
              : "); raise logs.queue_size or log less"));
    }
    detail.setLength(0);
    long lost = delta(failed, reportedFailed, detail);
    if (lost > 0) {
      lines.add("obs-logging could not write " + lost + " log events in the last " + window
          + "s (" + detail + "); the first error is on stderr");
    }
    return lines;
  }

  private static long delta(LongAdder[] counts, long[] reported, StringBuilder detail) {
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      long current = counts[i].sum();
      long delta = current - reported[i];
      reported[i] = current;
      total += delta;
      if (delta > 0) {
        detail.append(detail.length() == 0 ? "" : ", ").append(LEVEL_NAMES.get(i)).append('=')
            .append(delta);
      }
    }
    return total;
  }

  /**
   * A window length in seconds as the report names it: whole seconds from 10 s, else with one
   * decimal ({@code 5}, {@code 5.2}, {@code 0.5}), so a 500 ms interval is not called 0 s.
   */
  static String seconds(long nanos) {
    long tenths = Math.max(1, Math.round(nanos / 100_000_000.0));
    if (tenths >= 100 || tenths % 10 == 0) {
      return Long.toString(Math.round(tenths / 10.0));
    }
    return (tenths / 10) + "." + (tenths % 10);
  }

  private static int slot(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 4;
      case Level.WARN_INT -> 3;
      case Level.INFO_INT -> 2;
      case Level.DEBUG_INT -> 1;
      default -> 0;
    };
  }
}
