// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import java.io.IOException;
import java.io.OutputStream;

/** Internal: not for use outside obs. Turns a prepared event into the bytes of one output line. */
public interface EventFormat {

  /** One line (JSON) or one line plus an indented stack trace (text), ending in a newline. */
  byte[] format(PreparedEvent event);

  /**
   * Writes {@link #format} to {@code out}; a format that keeps a buffer of its own writes from it
   * and spares the copy.
   */
  default void writeTo(PreparedEvent event, OutputStream out) throws IOException {
    out.write(format(event));
  }

  /** Releases what the format started. */
  default void stop() {}
}
