// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_syscall_key}: key of the {@code syscall_hist} map.
 *
 * @param nr x86_64 syscall number
 * @param errno positive errno, 0 on success
 */
public record SyscallKey(int nr, int errno) {
  static final int OFF_NR = 0;
  static final int OFF_ERR = 4;
  static final int SIZE = 8;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_syscall_key", SIZE)
          .field("nr", OFF_NR, 4)
          .field("err", OFF_ERR, 4)
          .build();

  public static SyscallKey decode(ByteBuffer buf, int offset) {
    return new SyscallKey(buf.getInt(offset + OFF_NR), buf.getInt(offset + OFF_ERR));
  }
}
