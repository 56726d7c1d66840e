// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.status.StatusManager;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Internal: not for use outside obs. Prints Logback's own warnings and errors (a broken {@code
 * logback.xml}, an appender that cannot start) to stderr, one line each, as they happen.
 *
 * <p>Without any status listener Logback prints the whole status list with {@code StatusPrinter}
 * once it has started, if something went wrong. Loading that class builds a date formatter for
 * the local time zone (the time-zone database and the locale data), which cost about a fifth of
 * Logback's start-up, paid on every start, problem or not. With a listener in place Logback skips
 * it. stderr, not stdout: stdout carries the JSON log lines. Bounded, so that an appender that
 * complains per event cannot flood stderr.
 */
final class StderrStatusListener implements StatusListener {

  static final int MAX_PRINTED = 100;

  private final PrintStream out;
  private final AtomicInteger printed = new AtomicInteger();

  StderrStatusListener(PrintStream out) {
    this.out = out;
  }

  /**
   * Adds a listener to the context's status manager, unless it has one (the configurator runs
   * again when the context is reconfigured, and the listener outlives resets), and prints the
   * warnings and errors that came before it.
   */
  static void install(Context context, PrintStream out) {
    StatusManager statuses = context.getStatusManager();
    for (StatusListener present : statuses.getCopyOfStatusListenerList()) {
      if (present instanceof StderrStatusListener) {
        return;
      }
    }
    StderrStatusListener listener = new StderrStatusListener(out);
    statuses.add(listener);
    for (Status earlier : statuses.getCopyOfStatusList()) {
      listener.addStatusEvent(earlier);
    }
  }

  @Override
  public void addStatusEvent(Status status) {
    if (status.getLevel() < Status.WARN) {
      return;
    }
    int count = printed.incrementAndGet();
    if (count > MAX_PRINTED) {
      return;
    }
    StringBuilder line = new StringBuilder("obs-logging: Logback ")
        .append(status.getLevel() == Status.ERROR ? "ERROR" : "WARN")
        .append(": ")
        .append(status.getMessage());
    Throwable failure = status.getThrowable();
    if (failure != null) {
      line.append(" (").append(failure).append(')');
    }
    if (count == MAX_PRINTED) {
      line.append(" [").append(MAX_PRINTED)
          .append(" Logback problems printed; further ones are not]");
    }
    out.println(line);
  }

  @Override
  public boolean isResetResistant() {
    // Stays when a logback.xml reconfigures the context, so its problems are printed too.
    return true;
  }
}
