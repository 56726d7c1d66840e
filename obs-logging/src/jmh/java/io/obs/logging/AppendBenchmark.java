// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.obs.logging.internal.AsyncLogWriter;
import io.obs.logging.internal.ContextCapture;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import org.slf4j.MDC;

/**
 * The cost of one {@code logger.info} call on the application thread: obs's {@link ObsAppender}
 * against Logback's own {@code AsyncAppender} ({@code neverBlock}, same queue size) in front of a
 * {@code LogstashEncoder}. Each writes to a sink that only counts lines, so the numbers are the
 * cost on the logging thread plus whatever contention the writer thread causes, not I/O.
 *
 * <p>Measured in bursts: one invocation logs {@value #BURST} events, far below the level at
 * which either appender starts dropping INFO (80% of 8192), and the queue is drained between
 * invocations outside the measured time. A benchmark that logs without pause would instead
 * measure how often each appender takes its discard path (one producer outruns either writer
 * thread, and dropping is much cheaper than enqueueing). The trial fails if any event was
 * dropped, so a result can never come from the discard path. Besides wall-clock time, the CPU
 * time of the logging thread is reported ({@link CpuTime}); on a shared machine that is the
 * steadier number, and it is the one {@link InterleavedRatio} compares.
 *
 * <p>Both run as after {@code Observability.init()}: the MDC holds a span's trace keys and two
 * user keys, and obs captures the OpenTelemetry context of each call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AppendBenchmark {

  static final int BURST = 1024;
  static final int QUEUE = 8192;

  @Param({"obs", "logbackAsync"})
  public String appender;

  private final AtomicLong written = new AtomicLong();
  private long logged;
  private LoggerContext context;
  private Logger logger;
  private ObsAppender obs;
  private AsyncAppender async;

  /** Counts the lines written; both appenders write each event with one call. */
  private final class CountingSink extends OutputStream {
    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {
      written.incrementAndGet();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    ContextCapture.enable();
    MDC.put("tenant", "acme");
    MDC.put("user_id", "u-4711");
    MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    MDC.put("span_id", "00f067aa0ba902b7");
    MDC.put("trace_flags", "01");
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    logger = context.getLogger("com.shop.checkout.OrderService");
    logger.setAdditive(false);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    if (appender.equals("obs")) {
      obs = new ObsAppender(CountingSink::new);
      obs.setContext(context);
      obs.setQueueSize(QUEUE);
      obs.start();
      logger.addAppender(obs);
    } else {
      LogstashEncoder encoder = new LogstashEncoder();
      encoder.setContext(context);
      encoder.start();
      OutputStreamAppender<ILoggingEvent> out = new OutputStreamAppender<>();
      out.setContext(context);
      out.setEncoder(encoder);
      out.setImmediateFlush(false);
      out.setOutputStream(new CountingSink());
      out.start();
      async = new AsyncAppender();
      async.setContext(context);
      async.setQueueSize(QUEUE);
      async.setNeverBlock(true);
      async.addAppender(out);
      async.start();
      logger.addAppender(async);
    }
  }

  /** Waits, unmeasured, until the writer thread has written every event logged so far. */
  @TearDown(Level.Invocation)
  public void drain() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (written.get() < logged) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            appender + " lost events: logged " + logged + ", written " + written.get());
      }
      Thread.sleep(0, 100_000);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (obs != null) {
      AsyncLogWriter writer = obs.internalWriter();
      long dropped = writer == null ? 0 : writer.dropped("info");
      if (dropped > 0) {
        throw new IllegalStateException("obs dropped " + dropped + " events");
      }
    }
    context.stop();
    MDC.clear();
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void loggerInfo(CpuTime cpu) {
    long start = CpuTime.now();
    for (int i = 0; i < BURST; i++) {
      logger.info("User {} placed order {} for 3 items", "u-4711", i);
    }
    cpu.add(start, BURST);
    logged += BURST;
  }
}
