// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_syscall_event}: a traced syscall that failed or was slow.
 *
 * @param header the common header; its timestamp is the syscall entry
 * @param durationNanos entry to exit
 * @param ret the raw return value
 * @param nr the x86_64 syscall number
 * @param errno the positive errno, 0 on success
 * @param path the file name of open/exec calls or an AF_UNIX peer path, else null
 * @param address the peer of connect/accept, else null
 */
public record SyscallEvent(
    EventHeader header,
    long durationNanos,
    long ret,
    int nr,
    int errno,
    @Nullable String path,
    @Nullable SockAddr address) {

  static final int ARG_NONE = 0;
  static final int ARG_PATH = 1;
  static final int ARG_ADDR = 2;

  static final int OFF_HDR = 0;
  static final int OFF_DURATION_NS = 48;
  static final int OFF_RET = 56;
  static final int OFF_NR = 64;
  static final int OFF_ERR = 68;
  static final int OFF_ARG_KIND = 72;
  static final int OFF_PATH_LEN = 76;
  static final int OFF_ADDR = 80;
  static final int OFF_PATH = 104;
  static final int PATH_MAX = 256;
  static final int SIZE = 360;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_syscall_event", SIZE)
          .field("hdr", OFF_HDR, EventHeader.SIZE)
          .field("duration_ns", OFF_DURATION_NS, 8)
          .field("ret", OFF_RET, 8)
          .field("nr", OFF_NR, 4)
          .field("err", OFF_ERR, 4)
          .field("arg_kind", OFF_ARG_KIND, 4)
          .field("path_len", OFF_PATH_LEN, 4)
          .field("addr", OFF_ADDR, SockAddr.SIZE)
          .field("path", OFF_PATH, PATH_MAX)
          .build();

  /** The syscall's name, or {@code syscall_<nr>} for numbers outside the table. */
  public String name() {
    return Syscalls.name(nr);
  }

  /** Decodes a record of at least {@link #SIZE} bytes at {@code offset} of a little-endian buffer. */
  public static SyscallEvent decode(ByteBuffer buf, int offset) {
    int argKind = buf.getInt(offset + OFF_ARG_KIND);
    int pathLen = Math.min(buf.getInt(offset + OFF_PATH_LEN), PATH_MAX - 1);
    String path = null;
    if (pathLen > 0 && (argKind == ARG_PATH || argKind == ARG_ADDR)) {
      byte[] bytes = new byte[pathLen];
      buf.get(offset + OFF_PATH, bytes);
      path = new String(bytes, StandardCharsets.UTF_8);
    }
    SockAddr address = argKind == ARG_ADDR ? SockAddr.decode(buf, offset + OFF_ADDR) : null;
    return new SyscallEvent(
        EventHeader.decode(buf, offset + OFF_HDR),
        buf.getLong(offset + OFF_DURATION_NS),
        buf.getLong(offset + OFF_RET),
        buf.getInt(offset + OFF_NR),
        buf.getInt(offset + OFF_ERR),
        path,
        address);
  }
}
