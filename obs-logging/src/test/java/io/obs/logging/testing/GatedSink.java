// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An output whose gate can be shut and opened again: while shut, a writer waits (at most 30 s,
 * then fails); every byte written is recorded.
 */
public final class GatedSink extends OutputStream {

  private final Object lock = new Object();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean open = true;
  private int waiting;

  /** From now on, writers wait until {@link #open()}. */
  public void shut() {
    synchronized (lock) {
      open = false;
    }
  }

  public void open() {
    synchronized (lock) {
      open = true;
      lock.notifyAll();
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    synchronized (lock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      waiting++;
      try {
        lock.notifyAll();
        while (!open) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("the gate was never opened");
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      } finally {
        waiting--;
      }
      bytes.write(b, off, len);
    }
  }

  /** Waits (at most 10 s) until a writer waits at the shut gate. */
  public boolean awaitWaitingWriter() throws InterruptedException {
    synchronized (lock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (waiting == 0 || open) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  public List<String> lines() {
    synchronized (lock) {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** The lines containing {@code text}. */
  public List<String> linesWith(String text) {
    return lines().stream().filter(l -> l.contains(text)).toList();
  }

  /** Waits (at most 10 s) until {@code count} lines containing {@code text} have been written. */
  public boolean awaitLines(String text, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (linesWith(text).size() >= count) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }
}
