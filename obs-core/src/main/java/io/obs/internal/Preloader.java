// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.spi.ObservabilityModule;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Internal: not for use outside obs. Runs every module's {@link ObservabilityModule#preload()} on
 * one daemon thread while {@code init()} reads the configuration and builds the SDK on the
 * calling thread. Class loading and static initialisation are most of a cold start and use one
 * core each; overlapping the modules' share with core's own share shortens {@code init()} on any
 * machine with a second core, and costs nothing but a thread start on one with a single core.
 */
final class Preloader {

  private static final System.Logger LOG = System.getLogger("io.obs");

  private final Thread thread;

  private Preloader(Thread thread) {
    this.thread = thread;
  }

  static Preloader start(List<ObservabilityModule> modules) {
    List<ObservabilityModule> copy = List.copyOf(modules);
    Thread thread = new Thread(() -> {
      for (ObservabilityModule module : copy) {
        try {
          module.preload();
        } catch (Throwable e) {
          // Only a warm-up: start() does the same work again and reports what fails there.
          LOG.log(System.Logger.Level.DEBUG, "obs: preloading module '" + module.name()
              + "' failed: " + e);
        }
      }
    }, "obs-preload");
    thread.setDaemon(true);
    thread.start();
    return new Preloader(thread);
  }

  /**
   * Waits for the preload to finish, so that init() returns with no obs work left running. The
   * bound only matters if a module's preload hangs; start() has by then done the same work.
   */
  void await(long timeout, TimeUnit unit) {
    try {
      thread.join(Math.max(1, unit.toMillis(timeout)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
