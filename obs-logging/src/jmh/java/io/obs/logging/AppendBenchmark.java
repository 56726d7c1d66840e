// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * {@code logger.info} throughput on the application thread: obs's {@link ObsAppender} against
 * Logback's own {@code AsyncAppender} (same queue size, {@code neverBlock}, in front of a
 * {@code LogstashEncoder}). Both write to a discarding stream, so the numbers are the cost on the
 * logging thread plus whatever contention the writer thread causes, not the cost of I/O.
 *
 * <p>Read the result with care: one producer outruns either writer thread, so both queues fill
 * and both appenders shed INFO events above 80% fill, which is much cheaper than enqueueing. The
 * throughput therefore mixes the enqueue cost with how often each appender takes the discard path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AppendBenchmark {

  @Param({"obs", "logbackAsync"})
  public String appender;

  private LoggerContext context;
  private Logger logger;

  @Setup
  public void setUp() {
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    logger = context.getLogger("com.shop.checkout.OrderService");
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    if (appender.equals("obs")) {
      ObsAppender obs = new ObsAppender(OutputStream::nullOutputStream);
      obs.setContext(context);
      obs.setQueueSize(8192);
      obs.start();
      logger.addAppender(obs);
    } else {
      LogstashEncoder encoder = new LogstashEncoder();
      encoder.setContext(context);
      encoder.start();
      OutputStreamAppender<ILoggingEvent> out = new OutputStreamAppender<>();
      out.setContext(context);
      out.setEncoder(encoder);
      out.setOutputStream(OutputStream.nullOutputStream());
      out.start();
      AsyncAppender async = new AsyncAppender();
      async.setContext(context);
      async.setQueueSize(8192);
      async.setNeverBlock(true);
      async.addAppender(out);
      async.start();
      logger.addAppender(async);
    }
  }

  @TearDown
  public void tearDown() {
    context.stop();
  }

  @Benchmark
  public void loggerInfo() {
    logger.info("User {} placed order {} for 3 items", "u-4711", 1234);
  }
}
