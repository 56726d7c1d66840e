// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An output that blocks its writer until released (at most 30 s), then records every byte. */
public final class BlockingSink extends OutputStream {

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** A sink that blocks until {@link #release()}. */
  public static BlockingSink blocked() {
    return new BlockingSink(new CountDownLatch(1));
  }

  /** A sink that never blocks. */
  public static BlockingSink open() {
    return new BlockingSink(new CountDownLatch(0));
  }

  private BlockingSink(CountDownLatch released) {
    this.released = released;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    entered.countDown();
    try {
      if (!released.await(30, TimeUnit.SECONDS)) {
        throw new IOException("sink was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
    synchronized (bytes) {
      bytes.write(b, off, len);
    }
  }

  /** Waits (at most 10 s) until a writer is blocked in {@link #write}. */
  public boolean awaitWriter() throws InterruptedException {
    return entered.await(10, TimeUnit.SECONDS);
  }

  public void release() {
    released.countDown();
  }

  public boolean isReleased() {
    return released.getCount() == 0;
  }

  public List<String> lines() {
    synchronized (bytes) {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** Waits (at most 10 s) until a line containing {@code text} has been written. */
  public boolean awaitLine(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (lines().stream().anyMatch(l -> l.contains(text))) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }
}
