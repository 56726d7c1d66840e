// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Internal: not for use outside obs. Renders a throwable, its causes and suppressed throwables
 * like {@link Throwable#printStackTrace()}, with at most {@code depth} frames per throwable and
 * every message cleaned (an exception message is as likely to hold a password as a log message).
 *
 * <p>Rendering stops once the text is longer than {@code logs.max_message_length}: it is cut there
 * anyway, and a throwable with thousands of suppressed ones or causes must not cost a string of
 * megabytes first.
 */
public final class StackTraces {

  /** How the text taken from the throwable (messages, frames) and each line are written. */
  private enum Style {
    /** As {@code printStackTrace}: the string of {@code error.stack_trace} and OTLP. */
    PLAIN,
    /**
     * For {@link TextFormat}: every line starts with a tab, and messages and frames follow its
     * quoting rule, so no line of the trace can pass for an event line.
     */
    TEXT_LINES
  }

  private StackTraces() {}

  /** The stack trace as {@code printStackTrace} writes it, cut at the maximum length. */
  public static String render(IThrowableProxy throwable, int depth, TextLimits limits) {
    StringBuilder out = new StringBuilder(512);
    Set<IThrowableProxy> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    append(out, throwable, "", "", depth, limits, seen, Style.PLAIN);
    return limits.limit(out.toString());
  }

  /**
   * The stack trace for the text format: whole lines, each starting with a tab and ending with a
   * newline, every message and frame quoted by {@link TextFormat}'s rule. Beyond the maximum
   * length, whole lines are left out and one line with the truncation marker ends it.
   */
  public static String renderLines(IThrowableProxy throwable, int depth, TextLimits limits) {
    StringBuilder out = new StringBuilder(512);
    Set<IThrowableProxy> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    append(out, throwable, "", "", depth, limits, seen, Style.TEXT_LINES);
    if (out.length() <= limits.maxLength()) {
      return out.toString();
    }
    // Cut after a whole line, so that no quoted text is left open; the first line is kept
    // whole in any case (its message is already cut to the maximum length).
    int cut = out.lastIndexOf("\n", limits.maxLength());
    if (cut < 0) {
      cut = out.indexOf("\n");
    }
    out.setLength(cut + 1);
    out.append('\t');
    TextFormat.append(out, limits.marker(), TextFormat.Part.MESSAGE);
    out.append('\n');
    return out.toString();
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
      Set<IThrowableProxy> seen,
      Style style) {
    if (out.length() > limits.maxLength()) {
      return;
    }
    String lineStart = style == Style.TEXT_LINES ? "\t" + indent : indent;
    if (!seen.add(throwable)) {
      out.append(lineStart).append(caption).append("[CIRCULAR REFERENCE: ");
      text(out, throwable.getClassName(), style);
      out.append("]\n");
      return;
    }
    out.append(lineStart).append(caption);
    if (style == Style.PLAIN) {
      out.append(headline(throwable, limits));
    } else {
      TextFormat.append(out, limits.limit(throwable.getClassName()), TextFormat.Part.TOKEN);
      String message = throwable.getMessage();
      if (message != null) {
        out.append(": ");
        TextFormat.append(out, limits.clean(message), TextFormat.Part.MESSAGE);
      }
    }
    out.append('\n');
    StackTraceElementProxy[] frames = throwable.getStackTraceElementProxyArray();
    int own = Math.max(0, frames.length - Math.max(0, throwable.getCommonFrames()));
    int shown = Math.min(own, depth);
    for (int i = 0; i < shown; i++) {
      if (out.length() > limits.maxLength()) {
        return;
      }
      out.append(lineStart).append("\tat ");
      text(out, frames[i].getStackTraceElement().toString(), style);
      out.append('\n');
    }
    int omitted = frames.length - shown;
    if (omitted > 0) {
      out.append(lineStart).append("\t... ").append(omitted).append(" more\n");
    }
    IThrowableProxy[] suppressed = throwable.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy s : suppressed) {
        if (out.length() > limits.maxLength()) {
          return;
        }
        append(out, s, "Suppressed: ", indent + "\t", depth, limits, seen, style);
      }
    }
    IThrowableProxy cause = throwable.getCause();
    if (cause != null) {
      append(out, cause, "Caused by: ", indent, depth, limits, seen, style);
    }
  }

  private static void text(StringBuilder out, String text, Style style) {
    if (style == Style.PLAIN) {
      out.append(text);
    } else {
      TextFormat.append(out, text, TextFormat.Part.MESSAGE);
    }
  }
}
