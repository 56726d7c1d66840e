// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Internal: not for use outside obs. TLS over one non-blocking connection with an {@link
 * SSLEngine}. The handshake happens inside {@link #read} as the client's messages arrive; its
 * delegated tasks (key exchange, a few milliseconds) run on the I/O thread, which the connection
 * limit bounds. Buffers are the session's packet and application sizes, fixed per connection.
 */
final class TlsTransport implements EndpointTransport {

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Engine calls per read or write without progress before the connection is given up. */
  private static final int MAX_STEPS = 64;

  private final SocketChannel channel;
  private final SSLEngine engine;
  private ByteBuffer netIn; // filling: encrypted bytes read, not yet unwrapped
  private ByteBuffer appIn; // draining: decrypted bytes not yet handed out
  private ByteBuffer netOut; // draining: encrypted bytes not yet sent
  private boolean inboundDone;

  TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
    this.channel = channel;
    this.engine = engine;
    engine.setUseClientMode(false);
    engine.beginHandshake();
    netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    for (int step = 0; step < MAX_STEPS; step++) {
      if (appIn.hasRemaining()) {
        return transfer(appIn, dst);
      }
      if (!flush()) {
        return 0; // a handshake message waits for the socket
      }
      if (inboundDone) {
        return -1;
      }
      SSLEngineResult.HandshakeStatus handshake = engine.getHandshakeStatus();
      if (handshake == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        runTasks();
        continue;
      }
      if (handshake == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
        wrap(EMPTY);
        continue;
      }
      SSLEngineResult result;
      netIn.flip();
      appIn.compact();
      try {
        result = engine.unwrap(netIn, appIn);
      } finally {
        appIn.flip();
        netIn.compact();
      }
      switch (result.getStatus()) {
        case OK:
          break;
        case CLOSED:
          inboundDone = true;
          break;
        case BUFFER_OVERFLOW:
          // appIn was empty, so the session now wants a larger application buffer.
          appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
          break;
        case BUFFER_UNDERFLOW:
        default:
          if (!netIn.hasRemaining()) {
            if (netIn.capacity() >= engine.getSession().getPacketBufferSize()) {
              throw new SSLException("TLS record larger than the session allows");
            }
            ByteBuffer larger = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            netIn.flip();
            larger.put(netIn);
            netIn = larger;
          }
          int read = channel.read(netIn);
          if (read < 0) {
            inboundDone = true;
            return -1;
          }
          if (read == 0) {
            return 0;
          }
          break;
      }
    }
    throw new SSLException("TLS engine made no progress");
  }

  @Override
  public boolean write(ByteBuffer src) throws IOException {
    for (int step = 0; step < MAX_STEPS; step++) {
      if (!flush()) {
        return false;
      }
      if (!src.hasRemaining()) {
        return true;
      }
      if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        runTasks();
        continue;
      }
      SSLEngineResult result = wrap(src);
      if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SSLException("TLS connection closed");
      }
    }
    throw new SSLException("TLS engine made no progress");
  }

  @Override
  public boolean wantsWrite() {
    return netOut.hasRemaining();
  }

  @Override
  public void shutdownOutput() {
    try {
      engine.closeOutbound();
      if (flush()) {
        wrap(EMPTY); // close_notify
        if (flush()) {
          channel.shutdownOutput();
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client is gone or the session broke; closing follows either way.
    }
  }

  /** Wraps into {@code netOut}, which must be sent completely first. */
  private SSLEngineResult wrap(ByteBuffer src) throws IOException {
    while (true) {
      netOut.clear();
      SSLEngineResult result;
      try {
        result = engine.wrap(src, netOut);
      } finally {
        netOut.flip();
      }
      if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
        return result;
      }
      if (netOut.capacity() >= engine.getSession().getPacketBufferSize()) {
        throw new SSLException("TLS record does not fit the session's packet size");
      }
      netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
    }
  }

  private boolean flush() throws IOException {
    while (netOut.hasRemaining()) {
      if (channel.write(netOut) == 0) {
        return false;
      }
    }
    return true;
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  private static int transfer(ByteBuffer from, ByteBuffer to) {
    int count = Math.min(from.remaining(), to.remaining());
    ByteBuffer slice = from.slice();
    slice.limit(count);
    to.put(slice);
    from.position(from.position() + count);
    return count;
  }
}
