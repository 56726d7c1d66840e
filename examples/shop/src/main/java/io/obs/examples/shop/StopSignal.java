// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the request to stop: SIGINT (Ctrl-C), SIGTERM (Kubernetes, {@code Process.destroy()})
 * or, when {@code SHOP_STOP_ON_STDIN_EOF=true}, the end of standard input.
 *
 * <p>Why signals are caught rather than left to shutdown hooks: a JVM stopped by a signal exits
 * with 128+signal even after an orderly shutdown, and the demo promises exit code 0 after a clean
 * stop. The stdin rule is how the launcher stops its children (closing their input), and it means
 * a child never outlives a launcher that was killed.
 */
public final class StopSignal {

  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String reason = "not stopped";

  private StopSignal() {}

  /** Installs the signal handlers and, when asked for, the stdin watcher. */
  public static StopSignal install() {
    StopSignal signal = new StopSignal();
    signal.handle("INT");
    signal.handle("TERM");
    if (Boolean.parseBoolean(System.getenv("SHOP_STOP_ON_STDIN_EOF"))) {
      Thread watcher = new Thread(() -> signal.watch(System.in), "shop-stdin-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
    return signal;
  }

  /** Stops the waiting thread with the given reason. */
  public void trigger(String why) {
    if (stop.getCount() > 0) {
      reason = why;
      stop.countDown();
    }
  }

  /** Blocks until a stop is requested. */
  public void await() throws InterruptedException {
    stop.await();
  }

  /** Blocks until a stop is requested or the time is up; true when stopped. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return stop.await(timeout, unit);
  }

  /** Why the stop happened. */
  public String reason() {
    return reason;
  }

  // sun.misc.Signal (module jdk.unsupported) is the only JDK API that replaces the default
  // action of a signal; javac warns about it, which is expected here.
  private void handle(String name) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> trigger("SIG" + name));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // Not every platform has every signal (Windows has no TERM handler); the JVM's own
      // shutdown then still runs obs's hook, only the exit code differs.
    }
  }

  private void watch(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      // A broken pipe means the launcher is gone, which is a stop request as well.
    }
    trigger("end of standard input");
  }
}
