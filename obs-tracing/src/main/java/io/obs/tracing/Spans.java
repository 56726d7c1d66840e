// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import io.obs.Observability;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Objects;

/**
 * A small span API for business code: the work runs inside a span that is current while it runs,
 * an exception is recorded on the span with error status (and rethrown unchanged), and the span
 * always ends.
 *
 * <pre>{@code
 * Receipt receipt = Spans.call("charge-card", () -> gateway.charge(card, amount));
 * Spans.run("send-receipt", () -> mailer.send(receipt));
 * }</pre>
 *
 * <p>The static methods use the running {@link Observability} instance, and do nothing but run the
 * work when obs is not initialised. {@link #using(Tracer)} gives an instance bound to a tracer.
 *
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class Spans {

  /** Scope name of spans started by the static methods. */
  public static final String SCOPE = "io.obs.tracing.spans";

  /** Work that returns nothing and may throw {@code E}. */
  @FunctionalInterface
  public interface Work<E extends Throwable> {
    void run() throws E;
  }

  /** Work that returns a value and may throw {@code E}. */
  @FunctionalInterface
  public interface ValueWork<T, E extends Throwable> {
    T call() throws E;
  }

  private final Tracer tracer;

  private Spans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Spans started with {@code tracer}. */
  public static Spans using(Tracer tracer) {
    return new Spans(Objects.requireNonNull(tracer, "tracer"));
  }

  /** Runs {@code work} in a span named {@code name}, child of the current span. */
  public static <E extends Throwable> void run(String name, Work<E> work) throws E {
    current().inSpan(name, work);
  }

  /** Calls {@code work} in a span named {@code name} and returns its value. */
  public static <T, E extends Throwable> T call(String name, ValueWork<T, E> work) throws E {
    return current().inSpan(name, work);
  }

  /** Runs {@code work} in a span named {@code name}. */
  public <E extends Throwable> void inSpan(String name, Work<E> work) throws E {
    Objects.requireNonNull(work, "work");
    inSpan(
        name,
        () -> {
          work.run();
          return null;
        });
  }

  /** Calls {@code work} in a span named {@code name} and returns its value. */
  public <T, E extends Throwable> T inSpan(String name, ValueWork<T, E> work) throws E {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    Span span = tracer.spanBuilder(name).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return work.call();
    } catch (Throwable t) {
      span.recordException(t);
      span.setStatus(StatusCode.ERROR, t.getClass().getSimpleName());
      throw t;
    } finally {
      span.end();
    }
  }

  private static Spans current() {
    OpenTelemetry openTelemetry;
    try {
      openTelemetry = Observability.get().openTelemetry();
    } catch (IllegalStateException notInitialised) {
      openTelemetry = OpenTelemetry.noop();
    }
    return new Spans(openTelemetry.getTracer(SCOPE));
  }
}
