// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux's {@code /proc} says about CPU time and memory, in clock ticks ({@link #TICKS_PER_SECOND}
 * a second) and kilobytes. Linux only, like wrk.
 */
final class Proc {

  /** {@code USER_HZ}: 100 on every Linux architecture obs runs on. */
  static final int TICKS_PER_SECOND = 100;

  private Proc() {}

  /** User plus system CPU of one process, all its threads. */
  static long cpuTicks(long pid) throws IOException {
    String[] f = statFields(Path.of("/proc", Long.toString(pid), "stat"));
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * CPU of the children this process has waited for (JVMs reap the children they start): the
   * finished wrk runs and application JVMs.
   */
  static long reapedChildrenCpuTicks() throws IOException {
    String[] f = statFields(Path.of("/proc/self/stat"));
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Fields of a {@code stat} file after the command name, so that index 0 is the state. */
  private static String[] statFields(Path file) throws IOException {
    String stat = Files.readString(file);
    // The command name is in parentheses and may itself hold spaces or parentheses.
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
  }

  /** Busy CPU ticks of the whole machine, every core: everything but idle and I/O wait. */
  static long machineBusyTicks() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
    String[] f = lines.get(0).trim().split("\\s+");
    long busy = 0;
    // cpu user nice system idle iowait irq softirq steal (guest time is inside user already)
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(f[i]);
    }
    return busy;
  }

  /** Peak resident set size of a process ({@code VmHWM}), in kilobytes. */
  static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no VmHWM for process " + pid);
  }

  /** The 1-minute load average. */
  static double load1() throws IOException {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
