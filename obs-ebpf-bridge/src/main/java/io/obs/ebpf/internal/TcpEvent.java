// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_tcp_event}: a lifecycle step of a socket owned by the target process.
 * {@link EventHeader#kind()} tells which: connect finished, accept established, close or
 * retransmit.
 *
 * @param header the common header; tid is the connecting thread (0 for accepted sockets)
 * @param sockCookie the kernel's socket cookie, the same for every event of one socket
 * @param durationNanos connect/accept: handshake time; close: time since established
 * @param bytesSent bytes the peer acknowledged
 * @param bytesReceived bytes received
 * @param srttMicros smoothed round-trip time
 * @param totalRetrans segments retransmitted over the socket's life
 * @param errno connect: the errno that failed the handshake, 0 when it succeeded
 * @param oldState kernel TCP state before the transition ({@link TcpStates})
 * @param newState kernel TCP state after it
 * @param local local address
 * @param peer remote address
 */
public record TcpEvent(
    EventHeader header,
    long sockCookie,
    long durationNanos,
    long bytesSent,
    long bytesReceived,
    long srttMicros,
    long totalRetrans,
    int errno,
    int oldState,
    int newState,
    SockAddr local,
    SockAddr peer) {

  static final int OFF_HDR = 0;
  static final int OFF_SOCK_COOKIE = 48;
  static final int OFF_DURATION_NS = 56;
  static final int OFF_BYTES_SENT = 64;
  static final int OFF_BYTES_RECEIVED = 72;
  static final int OFF_SRTT_US = 80;
  static final int OFF_TOTAL_RETRANS = 84;
  static final int OFF_ERR = 88;
  static final int OFF_OLDSTATE = 92;
  static final int OFF_NEWSTATE = 94;
  static final int OFF_SADDR = 96;
  static final int OFF_DADDR = 120;
  static final int SIZE = 144;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_tcp_event", SIZE)
          .field("hdr", OFF_HDR, EventHeader.SIZE)
          .field("sock_cookie", OFF_SOCK_COOKIE, 8)
          .field("duration_ns", OFF_DURATION_NS, 8)
          .field("bytes_sent", OFF_BYTES_SENT, 8)
          .field("bytes_received", OFF_BYTES_RECEIVED, 8)
          .field("srtt_us", OFF_SRTT_US, 4)
          .field("total_retrans", OFF_TOTAL_RETRANS, 4)
          .field("err", OFF_ERR, 4)
          .field("oldstate", OFF_OLDSTATE, 2)
          .field("newstate", OFF_NEWSTATE, 2)
          .field("saddr", OFF_SADDR, SockAddr.SIZE)
          .field("daddr", OFF_DADDR, SockAddr.SIZE)
          .build();

  /** Whether this is a finished active open that failed. */
  public boolean connectFailed() {
    return header.kind() == EventHeader.KIND_TCP_CONNECT && errno != 0;
  }

  /** Decodes a record of at least {@link #SIZE} bytes at {@code offset} of a little-endian buffer. */
  public static TcpEvent decode(ByteBuffer buf, int offset) {
    return new TcpEvent(
        EventHeader.decode(buf, offset + OFF_HDR),
        buf.getLong(offset + OFF_SOCK_COOKIE),
        buf.getLong(offset + OFF_DURATION_NS),
        buf.getLong(offset + OFF_BYTES_SENT),
        buf.getLong(offset + OFF_BYTES_RECEIVED),
        Integer.toUnsignedLong(buf.getInt(offset + OFF_SRTT_US)),
        Integer.toUnsignedLong(buf.getInt(offset + OFF_TOTAL_RETRANS)),
        buf.getInt(offset + OFF_ERR),
        Short.toUnsignedInt(buf.getShort(offset + OFF_OLDSTATE)),
        Short.toUnsignedInt(buf.getShort(offset + OFF_NEWSTATE)),
        SockAddr.decode(buf, offset + OFF_SADDR),
        SockAddr.decode(buf, offset + OFF_DADDR));
  }
}
