// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.payment;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop launcher's stop request, for a service it runs ({@code SHOP_STOP_ON_STDIN_EOF=true}):
 * the end of standard input, SIGINT or SIGTERM. Run on its own, the service stops as any Boot
 * application does and this class does nothing.
 *
 * <p>Why a Boot application needs it: the launcher stops its services by closing their input
 * (portable, and a service never outlives a launcher that was killed), and it reports any exit
 * code but 0 as an unclean stop. A JVM stopped by a signal exits with 128+signal even after Boot's
 * orderly shutdown, and Ctrl-C in a terminal sends SIGINT to every process of the demo. So the
 * signals are caught here and the application context is closed by {@code SpringApplication.exit}.
 * The plain-Java services use the shop's {@code StopSignal} for the same; this module is a
 * separate Boot project and shares no code with them.
 */
final class LauncherStop {

  private static final Logger LOG = LoggerFactory.getLogger(LauncherStop.class);

  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String reason = "not stopped";

  private LauncherStop() {}

  /** The stop request when run by the launcher, else null. */
  static @Nullable LauncherStop installWhenLaunched() {
    if (!Boolean.parseBoolean(System.getenv("SHOP_STOP_ON_STDIN_EOF"))) {
      return null;
    }
    LauncherStop signal = new LauncherStop();
    signal.handle("INT");
    signal.handle("TERM");
    Thread watcher = new Thread(() -> signal.watch(System.in), "shop-stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
    return signal;
  }

  /** Blocks until a stop is requested. */
  void await() throws InterruptedException {
    stop.await();
    LOG.atInfo().addKeyValue("reason", reason).log("payment-service stopping");
  }

  private void trigger(String why) {
    if (stop.getCount() > 0) {
      reason = why;
      stop.countDown();
    }
  }

  // sun.misc.Signal (module jdk.unsupported) is the only JDK API that replaces the default
  // action of a signal.
  private void handle(String name) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> trigger("SIG" + name));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // Not every platform has every signal (Windows has no TERM handler); the JVM's shutdown
      // hooks then still close Boot and obs, only the exit code differs.
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
