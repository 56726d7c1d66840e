// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;

/**
 * Internal: not for use outside obs. Reads the current OpenTelemetry context for a log event —
 * but only once every module has configured in {@code Observability.init()} (the logging module
 * enables it through {@code SdkSetup.onConfigured}, before {@code init()} returns).
 *
 * <p>Why wait: OpenTelemetry applies {@code ContextStorage} wrappers only if they are added
 * before the context is first used, and obs modules (obs-ebpf-bridge, obs-logging's own MDC
 * wrapper) add theirs during {@code init()}. Applications log long before that; if the first log
 * line already read {@code Context.current()}, every later wrapper would be silently ignored.
 * Before {@code init()} there is no SDK, so there is no real span to capture anyway.
 */
public final class ContextCapture {

  /**
   * The root context, taken from the default storage: {@code Context.root()} asks the configured
   * storage for it, and that first request is what applies the wrappers and closes the list.
   */
  private static final Context ROOT = ContextStorage.defaultStorage().root();

  private static volatile boolean enabled;

  private ContextCapture() {}

  /** Called once every module has configured; from then on events capture the context. */
  public static void enable() {
    enabled = true;
  }

  public static boolean isEnabled() {
    return enabled;
  }

  /** {@link Context#current()} once enabled, else the root context (without touching storage). */
  public static Context current() {
    return enabled ? Context.current() : root();
  }

  /** The root context, without touching the configured storage. */
  public static Context root() {
    return ROOT;
  }
}
