// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.OptionalLong;

/**
 * Internal: not for use outside obs.
 *
 * <p>The effective capability set from {@code /proc/self/status} and the ones BPF tracing needs.
 */
public final class Capabilities {
  public static final int CAP_SYS_ADMIN = 21;
  public static final int CAP_PERFMON = 38;
  public static final int CAP_BPF = 39;

  private Capabilities() {}

  /** The {@code CapEff:} mask of a {@code /proc/<pid>/status} text. */
  public static OptionalLong effective(String procStatus) {
    for (String line : procStatus.split("\n", -1)) {
      if (line.startsWith("CapEff:")) {
        try {
          return OptionalLong.of(Long.parseUnsignedLong(line.substring(7).trim(), 16));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  public static boolean has(long mask, int capability) {
    return (mask & (1L << capability)) != 0;
  }

  /**
   * Loading and attaching tracing programs needs {@code bpf_capable()} and {@code
   * perfmon_capable()}: CAP_BPF and CAP_PERFMON (Linux 5.8+), each implied by CAP_SYS_ADMIN.
   */
  public static boolean canTrace(long mask) {
    boolean sysAdmin = has(mask, CAP_SYS_ADMIN);
    return (has(mask, CAP_BPF) || sysAdmin) && (has(mask, CAP_PERFMON) || sysAdmin);
  }
}
