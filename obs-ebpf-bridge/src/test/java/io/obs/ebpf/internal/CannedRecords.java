// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds ring-buffer records byte by byte the way the kernel lays them out. Offsets are written
 * out as numbers read off bpf/obs_events.h, not taken from the decoders, so a decoder constant
 * that drifts fails the decoder tests as well as LayoutConsistencyTest.
 */
final class CannedRecords {
  private CannedRecords() {}

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** struct obs_event_header at {@code off}. */
  static void header(ByteBuffer b, int off, int kind, int flags, long ts, int tgid, int tid) {
    b.putInt(off, kind);
    b.putInt(off + 4, flags);
    b.putLong(off + 8, ts);
    b.putInt(off + 16, tgid);
    b.putInt(off + 20, tid);
  }

  /** struct obs_addr at {@code off}; IPv4 when {@code ip} has 4 bytes. */
  static void addr(ByteBuffer b, int off, int family, int port, byte[] ip) {
    b.putShort(off, (short) family);
    b.putShort(off + 2, (short) port);
    b.putInt(off + 4, 0);
    for (int i = 0; i < ip.length; i++) {
      b.put(off + 8 + i, ip[i]);
    }
  }

  /** A 360-byte struct obs_syscall_event; path is written with its NUL when not null. */
  static ByteBuffer syscall(
      int tgid, int tid, int nr, long ret, long durationNs, int argKind, String path) {
    ByteBuffer b = le(360);
    header(b, 0, 1, 0, 1_000_000L, tgid, tid);
    b.putLong(48, durationNs);
    b.putLong(56, ret);
    b.putInt(64, nr);
    b.putInt(68, ret < 0 && ret >= -4095 ? (int) -ret : 0);
    b.putInt(72, argKind);
    if (path != null) {
      byte[] p = path.getBytes(StandardCharsets.UTF_8);
      b.putInt(76, p.length);
      b.put(104, p);
      b.put(104 + p.length, (byte) 0);
    }
    return b;
  }

  /** A 144-byte struct obs_tcp_event from 127.0.0.1:lport to 127.0.0.1:rport. */
  static ByteBuffer tcp(int kind, int tgid, int err, int oldState, int newState, int lport, int rport) {
    ByteBuffer b = le(144);
    header(b, 0, kind, 0, 2_000_000L, tgid, 0);
    b.putLong(48, 77L); // sock_cookie
    b.putLong(56, 12_345L); // duration_ns
    b.putLong(64, 1000L); // bytes_sent
    b.putLong(72, 2000L); // bytes_received
    b.putInt(80, 42); // srtt_us
    b.putInt(84, 3); // total_retrans
    b.putInt(88, err);
    b.putShort(92, (short) oldState);
    b.putShort(94, (short) newState);
    addr(b, 96, 2, lport, new byte[] {127, 0, 0, 1});
    addr(b, 120, 2, rport, new byte[] {127, 0, 0, 1});
    return b;
  }

  /** Frames records as ringDrain writes them: [u32 len][u32 0][record][pad to 8]. */
  static ByteBuffer batch(ByteBuffer... records) {
    int size = 0;
    for (ByteBuffer r : records) {
      size += 8 + ((r.capacity() + 7) & ~7);
    }
    ByteBuffer out = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 0;
    for (ByteBuffer r : records) {
      out.putInt(pos, r.capacity());
      out.putInt(pos + 4, 0);
      for (int i = 0; i < r.capacity(); i++) {
        out.put(pos + 8 + i, r.get(i));
      }
      pos += 8 + ((r.capacity() + 7) & ~7);
    }
    return out;
  }
}
