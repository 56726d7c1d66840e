// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.obs.logging.internal.redact.TextLimits;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Internal: not for use outside obs. Renders a throwable, its causes and suppressed throwables
 * like {@link Throwable#printStackTrace()}, with at most {@code depth} frames per throwable and
 * every message cleaned (an exception message is as likely to hold a password as a log message).
 */
public final class StackTraces {

  private StackTraces() {}

  public static String render(IThrowableProxy throwable, int depth, TextLimits limits) {
    StringBuilder out = new StringBuilder(512);
    Set<IThrowableProxy> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    append(out, throwable, "", "", depth, limits, seen);
    return limits.limit(out.toString());
  }

  /** {@code type: message}, or just the type when there is no message. */
  public static String headline(IThrowableProxy throwable, TextLimits limits) {
    String message = throwable.getMessage();
    return message == null
        ? throwable.getClassName()
        : throwable.getClassName() + ": " + limits.clean(message);
  }

  private static void append(
      StringBuilder out,
      IThrowableProxy throwable,
      String caption,
      String indent,
      int depth,
      TextLimits limits,
      Set<IThrowableProxy> seen) {
    if (!seen.add(throwable)) {
      out.append(indent).append(caption).append("[CIRCULAR REFERENCE: ")
          .append(throwable.getClassName()).append("]\n");
      return;
    }
    out.append(indent).append(caption).append(headline(throwable, limits)).append('\n');
    StackTraceElementProxy[] frames = throwable.getStackTraceElementProxyArray();
    int own = Math.max(0, frames.length - Math.max(0, throwable.getCommonFrames()));
    int shown = Math.min(own, depth);
    for (int i = 0; i < shown; i++) {
      out.append(indent).append("\tat ").append(frames[i].getStackTraceElement()).append('\n');
    }
    int omitted = frames.length - shown;
    if (omitted > 0) {
      out.append(indent).append("\t... ").append(omitted).append(" more\n");
    }
    IThrowableProxy[] suppressed = throwable.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy s : suppressed) {
        append(out, s, "Suppressed: ", indent + "\t", depth, limits, seen);
      }
    }
    IThrowableProxy cause = throwable.getCause();
    if (cause != null) {
      append(out, cause, "Caused by: ", indent, depth, limits, seen);
    }
  }
}
