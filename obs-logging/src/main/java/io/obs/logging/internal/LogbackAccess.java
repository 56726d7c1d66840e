// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.logging.ObsAppender;
import io.obs.logging.ObsEncoder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. How obs-logging's internals reach the parts of {@link
 * ObsAppender} and {@link ObsEncoder} that are not API: their settings and the appender's writer.
 * Those methods are package-private in {@code io.obs.logging}, so no internal type appears in a
 * public signature there; {@code ObsAppender} hands this access over when its class initialises
 * (the pattern of the JDK's shared secrets).
 */
public final class LogbackAccess {

  /** What {@link ObsAppender} and {@link ObsEncoder} let obs-logging's internals do. */
  public interface Parts {
    /** The settings with what the appender's Logback configuration set explicitly on top. */
    LogSettings adjust(ObsAppender appender, LogSettings settings);

    /** The appender's writer, once it has started. */
    @Nullable AsyncLogWriter writer(ObsAppender appender);

    /** The settings with what the encoder's Logback configuration set explicitly on top. */
    LogSettings adjust(ObsEncoder encoder, LogSettings settings);

    /** Switches the encoder to settings resolved from obs.yaml. */
    void apply(ObsEncoder encoder, LogSettings settings);
  }

  private static volatile @Nullable Parts parts;

  private LogbackAccess() {}

  /** Called once, by {@link ObsAppender}'s class initialisation. */
  public static void set(Parts access) {
    parts = Objects.requireNonNull(access, "access");
  }

  public static Parts get() {
    Parts access = parts;
    if (access == null) {
      try {
        // Initialising the class runs the static block that calls set().
        Class.forName(ObsAppender.class.getName(), true, ObsAppender.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      access = Objects.requireNonNull(parts, "ObsAppender did not hand over its parts");
    }
    return access;
  }
}
