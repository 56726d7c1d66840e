// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

/**
 * A readiness check run on every {@code /readyz} request, under the configured timeout. A check
 * that throws or times out counts as not ready.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReadinessCheck {

  /** Returns the current state; must not block longer than a moment. */
  Result check() throws Exception;

  /** The outcome of one check, with a short human-readable detail. */
  record Result(boolean ready, String detail) {
    public static Result ready(String detail) {
      return new Result(true, detail);
    }

    public static Result notReady(String detail) {
      return new Result(false, detail);
    }
  }
}
