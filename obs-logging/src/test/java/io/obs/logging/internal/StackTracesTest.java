// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import io.obs.internal.redact.Redactor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StackTracesTest {

  private static final TextLimits LIMITS = new TextLimits(Redactor.disabled(), 2_000, "[cut]");

  /** A throwable proxy that counts how many throwables the renderer read. */
  private static final class CountingProxy implements IThrowableProxy {
    private final AtomicInteger reads;
    private final IThrowableProxy[] suppressed;
    private final @Nullable IThrowableProxy cause;
    private final StackTraceElementProxy[] frames;

    CountingProxy(
        AtomicInteger reads, IThrowableProxy[] suppressed, @Nullable IThrowableProxy cause) {
      this.reads = reads;
      this.suppressed = suppressed;
      this.cause = cause;
      this.frames =
          new StackTraceElementProxy[] {
            new StackTraceElementProxy(new StackTraceElement("a.B", "m", "B.java", 1)),
            new StackTraceElementProxy(new StackTraceElement("a.B", "n", "B.java", 2))
          };
    }

    @Override
    public String getMessage() {
      return "failure";
    }

    @Override
    public String getClassName() {
      return "a.Failure";
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      reads.incrementAndGet();
      return frames;
    }

    @Override
    public int getCommonFrames() {
      return 0;
    }

    @Override
    public @Nullable IThrowableProxy getCause() {
      return cause;
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      return suppressed;
    }

    @Override
    public boolean isCyclic() {
      return false;
    }
  }

  @Test
  void renderingStopsReadingOnceTheMaximumLengthIsReached() {
    AtomicInteger reads = new AtomicInteger();
    IThrowableProxy[] suppressed = new IThrowableProxy[100_000];
    for (int i = 0; i < suppressed.length; i++) {
      suppressed[i] = new CountingProxy(reads, new IThrowableProxy[0], null);
    }
    IThrowableProxy cause = null;
    for (int i = 0; i < 10_000; i++) {
      cause = new CountingProxy(reads, new IThrowableProxy[0], cause);
    }
    IThrowableProxy top = new CountingProxy(reads, suppressed, cause);

    String plain = StackTraces.render(top, 64, LIMITS);
    assertThat(plain).hasSize(2_000 + "[cut]".length()).endsWith("[cut]");
    // About 2 000 characters hold a few dozen throwables; reading all 110 001 was the old cost.
    assertThat(reads.get()).isLessThan(100);

    reads.set(0);
    String lines = StackTraces.renderLines(top, 64, LIMITS);
    assertThat(lines).endsWith("\t[cut]\n");
    assertThat(reads.get()).isLessThan(100);
  }

  @Test
  void aShortTraceIsRenderedWhole() {
    IllegalStateException e = new IllegalStateException("top", new RuntimeException("cause"));
    String plain = StackTraces.render(new ThrowableProxy(e), 1, LIMITS);
    assertThat(plain).startsWith("java.lang.IllegalStateException: top\n\tat ");
    assertThat(plain).contains("Caused by: java.lang.RuntimeException: cause\n");
  }
}
