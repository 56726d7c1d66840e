// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_peer_key}: key of the {@code connect_hist} map.
 *
 * @param peer the remote address of the connection attempt
 * @param result 0 when the handshake completed, else the errno that failed it
 */
public record PeerKey(SockAddr peer, int result) {
  static final int OFF_PEER = 0;
  static final int OFF_RESULT = 24;
  static final int OFF_RESERVED = 28;
  static final int SIZE = 32;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_peer_key", SIZE)
          .field("peer", OFF_PEER, SockAddr.SIZE)
          .field("result", OFF_RESULT, 4)
          .field("reserved", OFF_RESERVED, 4)
          .build();

  public static PeerKey decode(ByteBuffer buf, int offset) {
    return new PeerKey(SockAddr.decode(buf, offset + OFF_PEER), buf.getInt(offset + OFF_RESULT));
  }
}
