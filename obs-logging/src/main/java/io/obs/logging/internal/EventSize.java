// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * Internal: not for use outside obs. An upper estimate of the heap an event holds while it waits
 * in {@link AsyncLogWriter}'s queue, which the queue's byte budget ({@code logs.queue_bytes})
 * counts. Computed on the logging thread, so it reads only what is already there: text counts two
 * bytes a character (what a String needs at most), every other argument object a fixed amount (its
 * text is in the formatted message anyway), a throwable its message and its frames.
 *
 * <p>One instance per writer remembers the last MDC map it measured: Logback's MDC is
 * copy-on-write, so the events of a thread whose MDC did not change carry the very same map, and
 * measuring it again for each would be most of the cost of the estimate.
 */
public final class EventSize {

  /** The event, its copy of the context, the queue slot, timestamps: the fixed part. */
  static final long BASE = 400;
  /** A String's object header, fields and array header. */
  private static final long STRING = 56;
  /** An argument that is not text: a boxed number, a structured argument, a bean. */
  private static final long OBJECT = 64;
  /** One stack frame: its StackTraceElement, Logback's proxy and the throwable's own record. */
  private static final long FRAME = 128;
  /** Throwables counted per event; a cause chain longer than this is cut when written anyway. */
  private static final int MAX_THROWABLES = 64;

  /** An immutable MDC map and its size. Read racily: a stale one is only a miss. */
  private record LastMdc(Map<String, String> map, long bytes) {}

  // Only maps that cannot change may be remembered by identity: Logback hands events an
  // unmodifiable view of a private copy; Map.of maps are immutable too.
  private static final Class<?> UNMODIFIABLE_MAP =
      Collections.unmodifiableMap(new HashMap<>()).getClass();
  private static final Class<?> MAP_OF_ONE = Map.of("a", "b").getClass();
  private static final Class<?> MAP_OF_N = Map.of("a", "b", "c", "d").getClass();

  private @Nullable LastMdc lastMdc;

  /** The estimate for an event whose message and MDC are already captured. */
  public long of(ILoggingEvent event) {
    String formatted = event.getFormattedMessage();
    long size = BASE + text(formatted);
    String pattern = event.getMessage();
    if (pattern != formatted) {
      size += text(pattern);
    }
    Object[] arguments = event.getArgumentArray();
    if (arguments != null) {
      for (Object argument : arguments) {
        size += value(argument);
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      size += mdc(mdc);
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        size += OBJECT + text(pair.key) + value(pair.value);
      }
    }
    IThrowableProxy throwable = event.getThrowableProxy();
    if (throwable != null) {
      size += throwable(throwable, new int[] {MAX_THROWABLES});
    }
    return size;
  }

  private long mdc(Map<String, String> mdc) {
    LastMdc last = lastMdc;
    if (last != null && last.map() == mdc) {
      return last.bytes();
    }
    MdcSize sum = new MdcSize();
    mdc.forEach(sum);
    Class<?> type = mdc.getClass();
    if (type == UNMODIFIABLE_MAP || type == MAP_OF_N || type == MAP_OF_ONE) {
      lastMdc = new LastMdc(mdc, sum.bytes);
    }
    return sum.bytes;
  }

  private static long text(@Nullable String text) {
    return text == null ? 0 : STRING + 2L * text.length();
  }

  private static long value(@Nullable Object value) {
    if (value instanceof CharSequence s) {
      return STRING + 2L * s.length();
    }
    return value == null ? 0 : OBJECT;
  }

  private static long throwable(IThrowableProxy t, int[] budget) {
    if (budget[0]-- <= 0) {
      return 0;
    }
    var frames = t.getStackTraceElementProxyArray();
    long size = OBJECT + text(t.getMessage()) + (frames == null ? 0 : FRAME * frames.length);
    IThrowableProxy[] suppressed = t.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy s : suppressed) {
        size += throwable(s, budget);
      }
    }
    IThrowableProxy cause = t.getCause();
    if (cause != null && cause != t) {
      size += throwable(cause, budget);
    }
    return size;
  }

  /** Sums the MDC entries; a class rather than a lambda so the sum needs no boxed holder. */
  private static final class MdcSize implements BiConsumer<String, String> {
    long bytes;

    @Override
    public void accept(@Nullable String key, @Nullable String value) {
      bytes += 32 + text(key) + text(value);
    }
  }
}
