// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Carries the current OpenTelemetry {@link Context} (obs's
 * spans, which are not Micrometer Observations) across threads for the context-propagation
 * library: through Reactor operators with automatic propagation on (WebFlux), and through
 * executors decorated with a {@code ContextPropagatingTaskDecorator}. Found by {@link
 * java.util.ServiceLoader}.
 *
 * <p>When a Micrometer Observation is current, Micrometer's own accessor carries it and makes its
 * span current wherever it is restored; this one then carries nothing, because the two restore in
 * the same order they were set and two nested OpenTelemetry scopes closed that way would leave a
 * context behind on a pooled thread.
 */
public final class OtelContextAccessor implements ThreadLocalAccessor<Context> {

  /** The key under which Reactor's context holds obs's OpenTelemetry context. */
  public static final String KEY = "io.obs.opentelemetry.context";

  private static final ThreadLocal<Deque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public @Nullable Context getValue() {
    Context current = Context.current();
    if (current == Context.root() || observationIsCurrent()) {
      return null;
    }
    return current;
  }

  @Override
  public void setValue(Context value) {
    SCOPES.get().push(value.makeCurrent());
  }

  @Override
  public void setValue() {
    SCOPES.get().push(Context.root().makeCurrent());
  }

  @Override
  public void restore(Context previousValue) {
    close();
  }

  @Override
  public void restore() {
    close();
  }

  // Each restore undoes the latest set on this thread, which brings back what was current then.
  private static void close() {
    Scope scope = SCOPES.get().poll();
    if (scope != null) {
      scope.close();
    }
  }

  private static boolean observationIsCurrent() {
    try {
      return ObservationThreadLocalAccessor.getInstance().getValue() != null;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
