// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the benchmark thread, reported by JMH next to the wall-clock score as {@code
 * cpuNanos} and {@code cpuOps} (their quotient is CPU nanoseconds per operation). The machine
 * these benchmarks run on is shared: wall-clock time includes every moment the thread waited for
 * a core, CPU time does not, so ratios of CPU time stay meaningful under load. A benchmark adds
 * one burst of operations at a time ({@link #add}), as reading the clock costs about a
 * microsecond.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public long cpuNanos;
  public long cpuOps;

  @Setup(Level.Iteration)
  public void reset() {
    cpuNanos = 0;
    cpuOps = 0;
  }

  /** The CPU time of the current thread. */
  static long now() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Adds a burst of {@code operations} that started at {@code start} (a {@link #now()}). */
  public void add(long start, int operations) {
    cpuNanos += now() - start;
    cpuOps += operations;
  }
}
