// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

/** Internal: not for use outside obs. Turns a prepared event into the bytes of one output line. */
public interface EventFormat {

  /** One line (JSON) or one line plus an indented stack trace (text), ending in a newline. */
  byte[] format(PreparedEvent event);

  /** Releases what the format started. */
  default void stop() {}
}
