// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Internal: not for use outside obs.
 *
 * <p>What a {@link KernelSession} loads and how. Validated on construction.
 *
 * @param scope {@link Scope#PROCESS}: only this JVM; {@link Scope#HOST}: every process
 * @param syscalls load the syscall program
 * @param tcp load the TCP program's connection programs (state changes, retransmits)
 * @param tcpRtt also load its per-segment RTT program ({@code tcp_probe}); needs {@code tcp}
 * @param sched load the scheduler program (per-thread off-CPU time)
 * @param tracedSyscalls syscall names measured into histograms (and reported as events when they
 *     fail or are slow)
 * @param slowSyscall successful calls at least this slow are reported as events
 * @param ringBufferBytes size of each object's ring buffer: a power of two, at least 4096
 * @param pollInterval how often the poller drains the ring buffers
 */
public record EbpfSettings(
    Scope scope,
    boolean syscalls,
    boolean tcp,
    boolean tcpRtt,
    boolean sched,
    Set<String> tracedSyscalls,
    Duration slowSyscall,
    int ringBufferBytes,
    Duration pollInterval) {

  /** Which processes the programs report. */
  public enum Scope {
    PROCESS,
    HOST
  }

  public static final Set<String> DEFAULT_SYSCALLS =
      Set.of("connect", "accept", "accept4", "openat", "execve");

  public EbpfSettings {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(slowSyscall, "slowSyscall");
    Objects.requireNonNull(pollInterval, "pollInterval");
    tracedSyscalls = Collections.unmodifiableSet(new TreeSet<>(tracedSyscalls));
    List<String> problems = new ArrayList<>();
    for (String s : tracedSyscalls) {
      if (Syscalls.number(s).isEmpty()) {
        problems.add(
            Syscalls.names().contains(s.toLowerCase(Locale.ROOT))
                ? "syscall '" + s + "' does not exist on " + Syscalls.current().arch()
                : "unknown syscall '" + s + "'");
      }
    }
    if (tcpRtt && !tcp) {
      problems.add("the TCP RTT program needs the TCP program");
    }
    if (slowSyscall.isNegative()) {
      problems.add("slowSyscall must not be negative: " + slowSyscall);
    }
    if (ringBufferBytes < 4096 || Integer.bitCount(ringBufferBytes) != 1) {
      problems.add("ringBufferBytes must be a power of two >= 4096: " + ringBufferBytes);
    }
    if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.toSeconds() > 60) {
      problems.add("pollInterval must be in (0, 60s]: " + pollInterval);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Process scope, only the TCP connection programs on (the rest cost other processes of the
   * host more than {@link HostCost#BUDGET_PERCENT}), 256 KiB rings, 100 ms polls.
   */
  public static EbpfSettings defaults() {
    return new EbpfSettings(
        Scope.PROCESS,
        false,
        true,
        false,
        false,
        DEFAULT_SYSCALLS,
        Duration.ofMillis(10),
        256 * 1024,
        Duration.ofMillis(100));
  }

  public EbpfSettings withScope(Scope s) {
    return new EbpfSettings(
        s, syscalls, tcp, tcpRtt, sched, tracedSyscalls, slowSyscall, ringBufferBytes,
        pollInterval);
  }

  /** Every program of the three features on or off, the TCP RTT program with the TCP one. */
  public EbpfSettings withPrograms(boolean syscalls, boolean tcp, boolean sched) {
    return withPrograms(syscalls, tcp, tcp, sched);
  }

  public EbpfSettings withPrograms(boolean syscalls, boolean tcp, boolean tcpRtt, boolean sched) {
    return new EbpfSettings(
        scope, syscalls, tcp, tcpRtt, sched, tracedSyscalls, slowSyscall, ringBufferBytes,
        pollInterval);
  }

  public EbpfSettings withPollInterval(Duration d) {
    return new EbpfSettings(
        scope, syscalls, tcp, tcpRtt, sched, tracedSyscalls, slowSyscall, ringBufferBytes, d);
  }

  /** Whether any program of the feature is loaded. */
  public boolean wants(Feature feature) {
    return feature.programs().stream().anyMatch(p -> wants(feature, p));
  }

  /** Whether the feature's program is loaded and attached. */
  public boolean wants(Feature feature, String program) {
    return switch (feature) {
      case SYSCALLS -> syscalls;
      case TCP -> tcp && (tcpRtt || !program.equals(Feature.TCP_RTT_PROGRAM));
      case SCHED -> sched;
    };
  }

  /** The traced syscalls as the kernel's bitmask: bit {@code nr % 64} of word {@code nr / 64}. */
  long[] syscallMask() {
    long[] mask = new long[Syscalls.MAX / 64];
    for (String s : tracedSyscalls) {
      int nr = Syscalls.number(s).getAsInt();
      if (nr < Syscalls.MAX) {
        mask[nr / 64] |= 1L << (nr % 64);
      }
    }
    return mask;
  }
}
