// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

/**
 * Internal: not for use outside obs.
 *
 * <p>A libbpf or bpf(2) failure, with the positive errno and, in the message, the last lines
 * libbpf logged (verifier output included when a program is rejected).
 */
public final class BpfException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int errno;

  /** Called from native code. */
  public BpfException(String message, int errno) {
    super(message);
    this.errno = errno;
  }

  /** The positive errno, or 0 when the failure has none. */
  public int errno() {
    return errno;
  }
}
