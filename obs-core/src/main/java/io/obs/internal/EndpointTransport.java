// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Internal: not for use outside obs. How the endpoint server's I/O thread moves request and
 * response bytes over one non-blocking connection: as they are, or through TLS ({@link
 * TlsTransport}). No method blocks.
 */
interface EndpointTransport {

  /** Reads request bytes into {@code dst}; 0 when none are available yet, -1 at the end. */
  int read(ByteBuffer dst) throws IOException;

  /** Sends what it can of {@code src}; true once all of it, and anything pending, is sent. */
  boolean write(ByteBuffer src) throws IOException;

  /** Whether bytes are waiting for the socket to take them (a TLS handshake message). */
  boolean wantsWrite();

  /** Ends the sending side, best effort, so the client reads the response to its end. */
  void shutdownOutput();

  /** Bytes as they are. */
  final class Plain implements EndpointTransport {
    private final SocketChannel channel;

    Plain(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return channel.read(dst);
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
      channel.write(src);
      return !src.hasRemaining();
    }

    @Override
    public boolean wantsWrite() {
      return false;
    }

    @Override
    public void shutdownOutput() {
      try {
        channel.shutdownOutput();
      } catch (IOException e) {
        // The client is gone already; closing follows.
      }
    }
  }
}
