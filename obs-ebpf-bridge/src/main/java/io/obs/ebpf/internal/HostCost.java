// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Internal: not for use outside obs.
 *
 * <p>What the bridge's programs cost the other processes of the host while they are attached:
 * the hooks are host-wide tracepoints, so they run (and, for the syscall tracepoints, send every
 * task through the kernel's slower syscall path) for every process, whatever {@code ebpf.scope}
 * says. The figures are the medians {@code NeighbourCost} measured (docs/ebpf.md, "Cost to
 * neighbours"); programs within {@link #BUDGET_PERCENT} on each reference neighbour are on by
 * default, the others are opt-ins whose cost the start-up line states.
 */
public final class HostCost {
  /** The most a default program may slow any reference neighbour (syscall-, switch-, packet-bound). */
  public static final double BUDGET_PERCENT = 1.0;

  /** One group of programs switched by one key. */
  public enum Group {
    // Syscall tracepoints: the measured difference, since enabling them also sends every task's
    // syscalls through the kernel's slow entry/exit path, which the programs' own run time misses.
    SYSCALLS("ebpf.programs.syscalls", "syscall of every process", 135, 77),
    // The others: the programs' own run time per event (kernel.bpf_stats_enabled, same run); the
    // measured differences agree with it within their noise, which at ±1% is as large as the
    // budget, while the run time is not lost in it. The worst case is the larger of the two.
    TCP("ebpf.programs.tcp", "TCP connection on the host", 700, 0.7),
    TCP_RTT("ebpf.programs.tcp_rtt", "TCP segment received on the host", 109, 1.6),
    SCHED("ebpf.programs.sched", "context switch on the host", 319, 7.5);

    private final String key;
    private final String event;
    private final double nanosPerEvent;
    private final double worstPercent;

    Group(String key, String event, double nanosPerEvent, double worstPercent) {
      this.key = key;
      this.event = event;
      this.nanosPerEvent = nanosPerEvent;
      this.worstPercent = worstPercent;
    }

    public String key() {
      return key;
    }

    /** Whether the measured slowdown of the worst-hit reference neighbour is within budget. */
    public boolean withinBudget() {
      return worstPercent <= BUDGET_PERCENT;
    }

    /** {@code "+135 ns per syscall of every process (worst measured neighbour: +77%)"}. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "+%.0f ns per %s (worst measured neighbour: +%s%%)",
          nanosPerEvent,
          event,
          worstPercent < 10 ? String.format(Locale.ROOT, "%.1f", worstPercent)
              : String.format(Locale.ROOT, "%.0f", worstPercent));
    }
  }

  private HostCost() {}

  /** The group a program belongs to. */
  public static Group groupOf(ProgramStatus p) {
    if (p.object().equals(Feature.SYSCALLS.objectName())) {
      return Group.SYSCALLS;
    }
    if (p.object().equals(Feature.SCHED.objectName())) {
      return Group.SCHED;
    }
    return p.program().equals(Feature.TCP_RTT_PROGRAM) ? Group.TCP_RTT : Group.TCP;
  }

  /** The groups with at least one attached program, in {@link Group} order. */
  public static Set<Group> attached(List<ProgramStatus> programs) {
    Set<Group> out = EnumSet.noneOf(Group.class);
    for (ProgramStatus p : programs) {
      if (p.up()) {
        out.add(groupOf(p));
      }
    }
    return out;
  }

  /**
   * The part of the start-up line about other processes: each attached group with its cost, the
   * ones beyond the budget marked as opted in.
   */
  public static String describe(List<ProgramStatus> programs) {
    List<String> parts = new ArrayList<>();
    for (Group g : attached(programs)) {
      parts.add(
          g.key()
              + (g.withinBudget() ? "" : " (opted in, over the " + budget() + " budget)")
              + ": "
              + g.describe());
    }
    return parts.isEmpty()
        ? "no host-wide programs"
        : "cost to every other process on this host: " + String.join("; ", parts);
  }

  /**
   * The INFO line logged when programs are attached: time, {@code status} ({@code on: ...} or
   * {@code partial: ...}) and what the attached programs cost the host's other processes.
   */
  public static String startupLine(long millis, String status, List<ProgramStatus> programs) {
    return "obs-ebpf: kernel programs attached in "
        + millis
        + " ms ("
        + status
        + "); "
        + describe(programs);
  }

  private static String budget() {
    return String.format(Locale.ROOT, "%.0f%%", BUDGET_PERCENT);
  }
}
