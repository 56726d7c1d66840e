// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>What happened to one BPF program of a {@link KernelSession}.
 *
 * @param object the object (feature) it belongs to: syscalls, tcp, sched
 * @param program the program's name, e.g. {@code obs_sys_enter}
 * @param state the outcome
 * @param error why it is not attached, null when it is or when it was switched off
 * @param kernelId the kernel's program id while loaded, else 0
 */
public record ProgramStatus(
    String object, String program, State state, @Nullable String error, int kernelId) {

  /** Outcome of loading and attaching a program. */
  public enum State {
    DISABLED,
    LOAD_FAILED,
    ATTACH_FAILED,
    ATTACHED
  }

  public boolean up() {
    return state == State.ATTACHED;
  }

  /** One line for logs and readiness details. */
  public String describe() {
    return switch (state) {
      case ATTACHED -> object + "/" + program + ": attached";
      case DISABLED -> object + "/" + program + ": disabled";
      case LOAD_FAILED -> object + "/" + program + ": load failed: " + firstLine(error);
      case ATTACH_FAILED -> object + "/" + program + ": attach failed: " + firstLine(error);
    };
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "unknown";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
